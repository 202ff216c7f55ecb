using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;

namespace DocPipeline.Benchmarks.Lifecycle;

/// <summary>The hashing embedder, counting the texts it embeds (the figure the lifecycle benchmarks report besides time).</summary>
internal sealed class CountingHashingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly HashingEmbeddingGenerator _inner = new(HashingEmbeddingGenerator.DefaultDimensions);
    private long _texts;

    public long Texts => Interlocked.Read(ref _texts);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        Interlocked.Add(ref _texts, list.Count);
        return _inner.GenerateAsync(list, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();
}
