using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;

namespace DocPipeline.Benchmarks.Ingestion;

/// <summary>
/// Behaves like a remote embedding API: every call costs a fixed delay whatever its size, and a call with more than
/// <see cref="MaxTextsPerCall"/> texts is refused. The vectors come from the hashing embedder.
/// </summary>
internal sealed class RemoteLikeEmbeddingGenerator(TimeSpan perCall) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int MaxTextsPerCall = 64;

    private readonly HashingEmbeddingGenerator _inner = new(HashingEmbeddingGenerator.DefaultDimensions);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (texts.Count > MaxTextsPerCall)
        {
            throw new ArgumentException($"The API takes at most {MaxTextsPerCall} texts per call, not {texts.Count}.", nameof(values));
        }

        Interlocked.Increment(ref _calls);
        await Task.Delay(perCall, cancellationToken);
        return await _inner.GenerateAsync(texts, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();
}
