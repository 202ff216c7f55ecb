using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DocPipeline.PostgreSql.Tests.MultiWorker;

/// <summary>
/// The whole multi-machine deployment: PostgreSQL (jobs, fingerprints, registry, keyword index) and Qdrant (vectors,
/// here the emulator in a process of its own on a loopback port), three worker processes, one SIGKILLed mid-run.
/// Afterwards every document is in both indexes exactly once and verify reports the deployment consistent.
/// </summary>
public sealed class MultiWorkerQdrantTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DocumentCount = 600;
    private readonly PostgreSqlTestSchema _schema = new();
    private readonly TestDirectory _directory = new();
    private readonly string _collection = "multi_" + Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _schema.DisposeAsync();
        _directory.Dispose();
    }

    [SkippableFact]
    public async Task ThreeWorkerProcessesOnPostgreSqlAndQdrant_OneKilledMidRun_EveryDocumentInBothIndexesOnceAndConsistent()
    {
        var connection = _schema.Options().ConnectionString!;
        var sources = Enumerable.Range(0, DocumentCount).Select(i => _directory.Write($"docs/note-{i:D4}.txt", MultiWorkerProcessTests.NoteText(i))).ToList();
        using var qdrant = await EmulatorProcess.StartAsync();
        var workers = new[]
        {
            WorkerProcess.Start(connection, _schema.Name, _directory.File("worker-a"), TimeSpan.Zero, qdrant.Endpoint, _collection),
            WorkerProcess.Start(connection, _schema.Name, _directory.File("worker-b"), TimeSpan.Zero, qdrant.Endpoint, _collection),
            WorkerProcess.Start(connection, _schema.Name, _directory.File("victim"), TimeSpan.FromMilliseconds(100), qdrant.Endpoint, _collection),
        };
        var victim = workers[2];
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.File("test-data"))
            .UsePostgreSql(o => (o.ConnectionString, o.Schema) = (connection, _schema.Name))
            .UsePostgreSqlKeywordIndex()
            .UseHashingEmbeddings()
            .UseQdrant(o => (o.Endpoint, o.CollectionName) = (qdrant.Endpoint, _collection));
        await using var provider = services.BuildServiceProvider();
        try
        {
            var jobs = provider.GetRequiredService<IJobStore>();
            await Task.WhenAll(workers.Select(w => w.WaitReadyAsync()).Append(jobs.GetCountsAsync()));
            foreach (var batch in sources.Chunk(200))
            {
                await jobs.CreateAsync(batch.Select(s => new JobRequest { DocumentId = DocumentIds.FromSource(s), Source = s, Type = JobType.Add, MaxAttempts = 20 }).ToList());
            }

            await MultiWorkerProcessTests.WaitUntilAsync(async () =>
                (await jobs.GetCountsAsync()).Completed >= DocumentCount / 5 && await HoldsJobsAsync(jobs, victim));
            await victim.KillAsync();
            await MultiWorkerProcessTests.WaitUntilAsync(async () => (await jobs.GetCountsAsync()).Active == 0);
            await workers[0].StopAsync();
            await workers[1].StopAsync();

            Assert.Equal(new JobStatusCounts(0, 0, DocumentCount, 0, 0), await jobs.GetCountsAsync());
            var registry = provider.GetRequiredService<IDocumentRegistry>();
            var expected = new List<IndexEntry>();
            await foreach (var entry in registry.StreamEntriesAsync())
            {
                expected.Add(new IndexEntry(entry.ChunkId, entry.DocumentId, entry.Revision));
            }

            Assert.Equal(DocumentCount, expected.Select(e => e.DocumentId).Distinct().Count());
            foreach (ISearchIndex index in new ISearchIndex[] { provider.GetRequiredService<IVectorIndex>(), provider.GetRequiredService<IKeywordIndex>() })
            {
                var held = new List<IndexEntry>();
                await foreach (var entry in index.ListEntriesAsync())
                {
                    held.Add(entry);
                }

                Assert.Equal(expected.OrderBy(e => e.ChunkId, StringComparer.Ordinal), held.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
            }

            var report = await provider.GetRequiredService<IIndexMaintenance>().VerifyAsync();
            output.WriteLine(string.Join(", ", report.Indexes.Values.Select(i => $"{i.Name}: {i.Entries} of {i.Expected}")));
            Assert.True(report.IsConsistent, string.Join("; ", report.Stores.Values.Where(s => !s.IsIntact).Select(s => $"{s.Name}: {s.Error}")));
            var hits = await provider.GetRequiredService<IDocPipeline>().SearchAsync("herons marker 321", new Search.SearchOptions { Mode = Search.SearchMode.Keyword, TopK = 3 });
            Assert.Equal(DocumentIds.FromSource(sources[321]), hits[0].DocumentId);
        }
        finally
        {
            foreach (var worker in workers)
            {
                output.WriteLine(worker.Errors);
                worker.Dispose();
            }
        }
    }

    private static async Task<bool> HoldsJobsAsync(IJobStore jobs, WorkerProcess worker) =>
        (await jobs.ListAsync(new JobQuery { Status = JobStatus.Processing, Limit = 1000 }))
            .Any(j => j.LeaseOwner is not null && j.LeaseOwner.Contains(worker.OwnerPart, StringComparison.Ordinal));
}
