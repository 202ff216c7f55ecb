using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.Consistency;

/// <summary>
/// Index verify and rebuild on the embedded defaults (SQLite registry, on-disk vector index, Lucene).
/// Verify: 100,000 documents / 1,000,000 chunks, both indexes against the registry, in a running pipeline (stores
/// open) and in a new container as <c>docpipe manage --verify-consistency</c> runs it (opening the stores is part of
/// the time: the vector index loads its catalog), against the baseline that reads each index through the contract's
/// unordered <see cref="ISearchIndex.ListEntriesAsync"/> and sorts it in bounded runs (for Lucene that visits the
/// stored fields of every entry). The files are in the page cache, as right after an ingest. Rebuild: 100,000 stored chunks of 384 dimensions (MiniLM's size) written
/// back into the keyword index, the vector index, or both, from stored chunks and embeddings (no embedder), followed by
/// the check that the result matches the registry.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/DocPipeline.Benchmarks -- --filter '*Consistency*'</c>. The data
/// sets are built once and cached (see <see cref="ConsistencyDataSet"/>); the first run spends minutes building them.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ConsistencyBenchmarks
{
    private const int VerifyDocuments = 100_000;
    private const int RebuildDocuments = 10_000;
    private const int ChunksPerDocument = 10;

    private ServiceProvider? _services;
    private IIndexMaintenance? _maintenance;
    private string _folder = string.Empty;

    [GlobalSetup(Targets = [nameof(VerifyWithListEntries), nameof(Verify), nameof(VerifyInNewContainer)])]
    public async Task SetUpVerifyAsync()
    {
        // Verify reads ids and versions only, so small vectors keep the fixture (and its build) small.
        _folder = await ConsistencyDataSet.EnsureAsync(VerifyDocuments, ChunksPerDocument, dimensions: 16);
        await OpenAsync();
    }

    [GlobalSetup(Targets = [nameof(RebuildKeyword), nameof(RebuildVector), nameof(RebuildBoth)])]
    public async Task SetUpRebuildAsync()
    {
        _folder = await ConsistencyDataSet.EnsureAsync(RebuildDocuments, ChunksPerDocument, dimensions: 384);
        await OpenAsync();
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Verify 1M chunks")]
    public async Task<ConsistencyReport> VerifyWithListEntries()
    {
        var services = _services!;
        IReadOnlyList<ISearchIndex> indexes = [new Listed(services.GetRequiredService<IVectorIndex>()), new Listed(services.GetRequiredService<IKeywordIndex>())];
        var temporary = Path.Combine(_folder, "tmp", "baseline");
        var report = await new ConsistencyChecker(services.GetRequiredService<IDocumentRegistry>(), indexes, temporary, TimeProvider.System).VerifyAsync(CancellationToken.None);
        Directory.Delete(temporary, recursive: true);
        return Checked(report);
    }

    [Benchmark]
    [BenchmarkCategory("Verify 1M chunks")]
    public async Task<ConsistencyReport> Verify() => Checked(await _maintenance!.VerifyAsync());

    [IterationSetup(Target = nameof(VerifyInNewContainer))]
    public void CloseStores()
    {
        _services!.Dispose();
        _services = null;
    }

    [Benchmark]
    [BenchmarkCategory("Verify 1M chunks")]
    public async Task<ConsistencyReport> VerifyInNewContainer()
    {
        _services = Build();
        return Checked(await _services.GetRequiredService<IIndexMaintenance>().VerifyAsync());
    }

    [Benchmark]
    [BenchmarkCategory("Rebuild 100k chunks")]
    public async Task RebuildKeyword() => Checked((await _maintenance!.RebuildAsync(RebuildTarget.Keyword)).After);

    [Benchmark]
    [BenchmarkCategory("Rebuild 100k chunks")]
    public async Task RebuildVector() => Checked((await _maintenance!.RebuildAsync(RebuildTarget.Vector)).After);

    [Benchmark]
    [BenchmarkCategory("Rebuild 100k chunks")]
    public async Task RebuildBoth() => Checked((await _maintenance!.RebuildAsync(RebuildTarget.Both)).After);

    private static ConsistencyReport Checked(ConsistencyReport report) =>
        report.IsConsistent ? report : throw new InvalidOperationException("The benchmark data set is not consistent.");

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _folder).UseHashingEmbeddings();
        return services.BuildServiceProvider();
    }

    private async Task OpenAsync()
    {
        _services = Build();
        _maintenance = _services.GetRequiredService<IIndexMaintenance>();

        // Open the stores (a long-running pipeline has them open) and warm the page cache.
        Checked(await _maintenance.VerifyAsync());
    }

    /// <summary>An index seen only through the contract, so the checker lists and sorts it instead of using a faster reader.</summary>
    private sealed class Listed(ISearchIndex inner) : ISearchIndex
    {
        public string Name => inner.Name;

        public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) => inner.DeleteChunksAsync(chunkIds, cancellationToken);

        public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) => inner.DeleteDocumentsAsync(documentIds, cancellationToken);

        public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default) => inner.ListEntriesAsync(cancellationToken);

        public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => inner.GetStatisticsAsync(cancellationToken);

        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
    }
}
