using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Ingestion;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.Ingestion;

/// <summary>
/// The plan's headline comparison: 100 generated documents of about 5 KB ingested into a fresh on-disk data folder
/// with an embedder that behaves like a remote API (30 ms per call, at most 64 texts per call). Sequential: one
/// document at a time and one chunk per embedding call (MaxConcurrent 1, Embedding:BatchSize 1). Pipelined: the
/// defaults for the embedder (batches of 64 shared by concurrent jobs) with MaxConcurrent 8.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class IngestionRemoteEmbedderBenchmarks
{
    public const int Documents = 100;
    private static readonly TimeSpan PerCall = TimeSpan.FromMilliseconds(30);

    private BenchmarkCorpus _corpus = null!;
    private ServiceProvider? _services;
    private string? _data;

    [GlobalSetup]
    public void Setup() => _corpus = new BenchmarkCorpus(Documents);

    [GlobalCleanup]
    public void Cleanup() => _corpus.Dispose();

    [IterationSetup(Target = nameof(Sequential))]
    public void OpenSequential() => Open(maxConcurrent: 1, embeddingBatchSize: 1);

    [IterationSetup(Target = nameof(Pipelined))]
    public void OpenPipelined() => Open(maxConcurrent: 8, embeddingBatchSize: 64);

    [IterationCleanup]
    public void Close()
    {
        _services?.Dispose();
        Directory.Delete(_data!, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<IngestResult> Sequential() => IngestAsync();

    [Benchmark]
    public Task<IngestResult> Pipelined() => IngestAsync();

    private async Task<IngestResult> IngestAsync()
    {
        var result = await _services!.GetRequiredService<IDocPipeline>().IngestAsync([_corpus.Folder], new IngestOptions());
        if (result.Failed > 0)
        {
            throw new InvalidOperationException($"{result.Failed} documents failed: {result.Failures[0].Error}");
        }

        var calls = ((RemoteLikeEmbeddingGenerator)_services!.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()).Calls;
        Console.WriteLine($"// {result.Added} documents, {result.ChunksEmbedded} chunks, {calls} embedder calls");
        return result;
    }

    private void Open(int maxConcurrent, int embeddingBatchSize)
    {
        _data = _corpus.NewDataFolder();
        var services = new ServiceCollection();
        services.AddDocPipeline(o =>
        {
            o.DataDirectory = _data;
            o.Queue.MaxConcurrent = maxConcurrent;
            o.Embedding.BatchSize = embeddingBatchSize;
        });
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new RemoteLikeEmbeddingGenerator(PerCall));
        _services = services.BuildServiceProvider();
        _services.GetRequiredService<IDocPipeline>().GetQueueStatusAsync().GetAwaiter().GetResult();
    }
}
