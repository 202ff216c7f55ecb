using System.Net;
using Microsoft.Extensions.AI;

namespace DocPipeline.TestWorker;

/// <summary>
/// Wraps a real embedding generator and fails a share of its calls, at random, the way a remote embedding service
/// fails now and then: an <see cref="HttpRequestException"/> with status 503, worth retrying. The other calls go to
/// the inner generator unchanged, and the metadata (so the model key a data folder records) is the inner one's.
/// </summary>
internal sealed class FlakyEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, double failureRate, int seed)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>Gets how many calls this generator received.</summary>
    public int Calls { get; private set; }

    /// <summary>Gets how many of them it failed.</summary>
    public int Failures { get; private set; }

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        bool fail;
        lock (_gate)
        {
            Calls++;
            fail = _random.NextDouble() < failureRate;
            if (fail)
            {
                Failures++;
            }
        }

        return fail
            ? Task.FromException<GeneratedEmbeddings<Embedding<float>>>(
                new HttpRequestException("The embedding service is unavailable (a simulated transient failure).", null, HttpStatusCode.ServiceUnavailable))
            : base.GenerateAsync(values, options, cancellationToken);
    }
}
