using BenchmarkDotNet.Attributes;
using DocPipeline.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.RealText;

/// <summary>
/// End-to-end ingestion of the real-text corpus (about 3,000 Debian documentation files, 22 MB; see
/// <see cref="RealTextCorpus"/>) on the durable embedded defaults with the hashing embedder, in one process.
/// <see cref="FirstRun"/> does what one <c>docpipe batch</c> into a new data folder does: open the stores, ingest
/// everything, close; <see cref="RerunUnchanged"/> runs again over the same unchanged files on open stores.
/// Few warmups on purpose: a user's batch is one cold run, which <c>benchmarks/real-text/run-cli.sh</c> measures as a
/// fresh process; this measures the same work in process.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RealTextBenchmarks
{
    private RealTextCorpus _corpus = null!;
    private ServiceProvider _indexed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = new RealTextCorpus();
        _indexed = Open(_corpus.NewDataFolder());
        var result = Ingest(_indexed).GetAwaiter().GetResult();
        Console.WriteLine($"// documents: {result.Added}, chunks: {result.ChunksEmbedded + result.ChunksReused}, failed: {result.Failed}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _indexed.Dispose();
        _corpus.Dispose();
    }

    [Benchmark]
    public async Task<IngestResult> FirstRun()
    {
        var data = _corpus.NewDataFolder();
        var services = Open(data);
        await using (services.ConfigureAwait(false))
        {
            return await Ingest(services).ConfigureAwait(false);
        }
    }

    [Benchmark]
    public Task<IngestResult> RerunUnchanged() => Ingest(_indexed);

    private Task<IngestResult> Ingest(ServiceProvider services) =>
        services.GetRequiredService<IDocPipeline>().IngestAsync([_corpus.Folder], new IngestOptions());

    private static ServiceProvider Open(string dataFolder)
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = dataFolder).UseHashingEmbeddings();
        return services.BuildServiceProvider();
    }
}
