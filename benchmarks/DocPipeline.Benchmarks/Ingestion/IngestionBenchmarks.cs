using BenchmarkDotNet.Attributes;
using DocPipeline.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.Ingestion;

/// <summary>
/// End-to-end ingestion on the durable embedded defaults (SQLite job store, fingerprints and registry, the on-disk
/// vector index, Lucene on disk) with the hashing embedder: 1,000 generated documents of about 5 KB.
/// <see cref="FirstRun"/> ingests them into a fresh data folder (one per iteration, stores opened beforehand);
/// <see cref="RerunUnchanged"/> runs again over the same unchanged files, which must cost a stat per file.
/// Divide the document and chunk counts printed by the setup by the mean for documents/s, chunks/s and files/s.
/// <see cref="MaxConcurrent"/> 32 is the default (<c>Queue:MaxConcurrent</c>); 128 shows how the run scales when
/// more jobs share each group commit.
/// <para>Fifteen warmup runs: the runtime's tiered compilation keeps recompiling the ingestion path (hundreds of
/// methods, 0.4–0.8 s of JIT time on a second core) for about fifteen runs of a fresh process; with two warmups the
/// iterations measured that, not the pipeline. A host that ingests for minutes reaches the steady state measured here.</para>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 15, iterationCount: 10)]
public class IngestionBenchmarks
{
    public const int Documents = 1000;

    /// <summary>Gets or sets how many jobs run at once.</summary>
    [Params(32, 128)]
    public int MaxConcurrent { get; set; }

    private BenchmarkCorpus _corpus = null!;
    private ServiceProvider _rerun = null!;
    private ServiceProvider? _fresh;
    private string? _freshData;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = new BenchmarkCorpus(Documents);
        _rerun = Build(_corpus.NewDataFolder());
        var result = Ingest(_rerun).GetAwaiter().GetResult();
        Console.WriteLine($"// documents: {result.Added}, chunks: {result.ChunksEmbedded}, failed: {result.Failed}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rerun.Dispose();
        _corpus.Dispose();
    }

    [IterationSetup(Target = nameof(FirstRun))]
    public void OpenFreshDataFolder()
    {
        _freshData = _corpus.NewDataFolder();
        _fresh = Build(_freshData);

        // Opening the stores is not part of the run.
        _fresh.GetRequiredService<IDocPipeline>().GetQueueStatusAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(FirstRun))]
    public void DeleteFreshDataFolder()
    {
        _fresh?.Dispose();
        Directory.Delete(_freshData!, recursive: true);
    }

    [Benchmark]
    public Task<IngestResult> FirstRun() => Ingest(_fresh!);

    [Benchmark]
    public Task<IngestResult> RerunUnchanged() => Ingest(_rerun);

    private Task<IngestResult> Ingest(ServiceProvider services) =>
        services.GetRequiredService<IDocPipeline>().IngestAsync([_corpus.Folder], new IngestOptions { MaxConcurrent = MaxConcurrent });

    private static ServiceProvider Build(string dataFolder)
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = dataFolder).UseHashingEmbeddings();
        return services.BuildServiceProvider();
    }
}
