using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;

namespace DocPipeline.Benchmarks.Embeddings;

/// <summary>
/// Eight jobs embed 5 chunks at a time, 10 times each, against a remote-like embedder that costs a fixed 30 ms per
/// call and serves one call at a time (a rate-limited API). Direct: every job calls the embedder itself. Batched: the
/// jobs share <see cref="BatchingEmbeddingGenerator"/> (batch size 64), which sends what waits as one call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class EmbeddingBatchingBenchmarks
{
    private const int Jobs = 8;
    private const int Rounds = 10;
    private const int ChunksPerRound = 5;

    private SlowEmbeddingGenerator _remote = null!;
    private BatchingEmbeddingGenerator _batching = null!;

    [GlobalSetup]
    public void Setup()
    {
        _remote = new SlowEmbeddingGenerator(TimeSpan.FromMilliseconds(30));
        _batching = new BatchingEmbeddingGenerator(_remote, batchSize: 64, maxConcurrentCalls: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batching.Dispose();
        _remote.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => RunJobs(_remote);

    [Benchmark]
    public Task<int> Batched() => RunJobs(_batching);

    private static async Task<int> RunJobs(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(async job =>
        {
            var embedded = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var texts = Enumerable.Range(0, ChunksPerRound).Select(i => $"job {job} round {round} chunk {i}").ToArray();
                embedded += (await generator.GenerateAsync(texts)).Count;
            }

            return embedded;
        }));
        return results.Sum();
    }

    /// <summary>Serves one call at a time, each after a fixed delay, like a rate-limited remote embedding API.</summary>
    private sealed class SlowEmbeddingGenerator(TimeSpan perCall) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly SemaphoreSlim _oneAtATime = new(1, 1);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            await _oneAtATime.WaitAsync(cancellationToken);
            try
            {
                await Task.Delay(perCall, cancellationToken);
                return new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[384])));
            }
            finally
            {
                _oneAtATime.Release();
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() => _oneAtATime.Dispose();
    }
}
