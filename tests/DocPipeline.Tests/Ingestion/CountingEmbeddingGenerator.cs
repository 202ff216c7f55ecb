using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// The hashing embedder with a counter of the texts it was asked to embed, and an optional fault: the one thing these
/// tests cannot have for real is an embedder that fails on demand.
/// </summary>
internal sealed class CountingEmbeddingGenerator(int dimensions = HashingEmbeddingGenerator.DefaultDimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly HashingEmbeddingGenerator _inner = new(dimensions);
    private int _texts;
    private int _calls;

    public int Texts => Volatile.Read(ref _texts);

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets or sets a fault thrown by calls while set (by the next <see cref="FailCalls"/> calls only, when that is positive).</summary>
    public Exception? FailWith { get; set; }

    /// <summary>Gets or sets how many calls fail with <see cref="FailWith"/>; 0 means every call while it is set.</summary>
    public int FailCalls { get; set; }

    public void Reset()
    {
        Interlocked.Exchange(ref _texts, 0);
        Interlocked.Exchange(ref _calls, 0);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        Interlocked.Increment(ref _calls);
        if (FailWith is { } fault)
        {
            if (FailCalls > 0 && --FailCalls == 0)
            {
                FailWith = null;
            }

            throw fault;
        }

        Interlocked.Add(ref _texts, list.Count);
        return _inner.GenerateAsync(list, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();
}
