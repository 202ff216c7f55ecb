using System.Diagnostics;
using System.Security.Cryptography;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DocPipeline.PostgreSql.Tests.MultiWorker;

/// <summary>
/// Several worker processes on one PostgreSQL queue, as a deployment on several machines runs them: they share the job
/// store, fingerprints, registry and keyword index; one is killed with SIGKILL half-way. Two busy processes beside them
/// load the machine and the leases are short (2 s), so starved workers lose leases while they work: every write they
/// make after that must be refused (DESIGN.md, "A lease fences every write").
/// </summary>
public sealed class MultiWorkerProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DocumentCount = 2000;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2); // as the worker configures it
    private static readonly TimeSpan PressureBound = TimeSpan.FromMinutes(10); // the busy processes stop by themselves after this
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly PostgreSqlTestSchema _schema = new();
    private readonly TestDirectory _directory = new();
    private ServiceProvider? _provider;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await _schema.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task ThreeWorkerProcesses_OneKilledMidRunUnderCpuPressure_EveryDocumentIndexedOnceAndNoJobLost()
    {
        var sources = Enumerable.Range(0, DocumentCount).Select(i => _directory.Write($"docs/note-{i:D4}.txt", NoteText(i))).ToList();
        var busy = new[] { WorkerProcess.StartBusy(PressureBound), WorkerProcess.StartBusy(PressureBound) };
        var workers = new[]
        {
            StartWorker("worker-a", TimeSpan.Zero),
            StartWorker("worker-b", TimeSpan.Zero),
            StartWorker("victim", TimeSpan.FromMilliseconds(100)),
        };
        var victim = workers[2];
        try
        {
            // The three processes and this one create the tables at the same moment.
            var services = new ServiceCollection();
            services.AddDocPipeline(o => o.DataDirectory = _directory.File("test-data"))
                .UsePostgreSql(o => (o.ConnectionString, o.Schema) = (_schema.Options().ConnectionString, _schema.Name))
                .UsePostgreSqlKeywordIndex();
            _provider = services.BuildServiceProvider();
            var jobs = _provider.GetRequiredService<IJobStore>();
            var readiness = workers.Select(w => w.WaitReadyAsync()).Append(jobs.GetCountsAsync()).ToArray();
            await Task.WhenAll(readiness);

            // The jobs an ingestion run creates for new files: one Add job per document.
            foreach (var batch in sources.Chunk(250))
            {
                // Attempts to spare: under this pressure a job may lose its lease more than once.
                await jobs.CreateAsync(batch.Select(s => new JobRequest { DocumentId = DocumentIds.FromSource(s), Source = s, Type = JobType.Add, MaxAttempts = 20 }).ToList());
            }

            // Kill the victim once the run is well under way and it holds jobs.
            await WaitUntilAsync(async () =>
                (await jobs.GetCountsAsync()).Completed >= DocumentCount / 5 && (await ProcessingOfAsync(jobs, victim)).Count > 0);
            await victim.KillAsync();
            var killedAt = Stopwatch.GetTimestamp();
            var held = await ProcessingOfAsync(jobs, victim);
            var orphans = held.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
            Assert.NotEmpty(orphans);

            // Watch the orphans being taken over while the two survivors finish the queue.
            var takenOverAfter = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            await WaitUntilAsync(async () =>
            {
                foreach (var id in orphans.Except(takenOverAfter.Keys).ToList())
                {
                    var job = await jobs.GetAsync(id);
                    if (job!.Status != JobStatus.Processing || !job.LeaseOwner!.Contains(victim.OwnerPart, StringComparison.Ordinal))
                    {
                        takenOverAfter[id] = Stopwatch.GetElapsedTime(killedAt);
                    }
                }

                return (await jobs.GetCountsAsync()).Active == 0;
            });
            await workers[0].StopAsync();
            await workers[1].StopAsync();
            var leasesLost = workers.Sum(w => w.LeasesLost);

            output.WriteLine($"killed worker held {orphans.Count} jobs; taken over after {string.Join(", ", takenOverAfter.Values.Order().Select(t => $"{t.TotalSeconds:0.0} s"))} (lease {LeaseDuration.TotalSeconds} s)");
            output.WriteLine($"leases lost by running workers under CPU pressure: {leasesLost}; jobs run more than once: {(await jobs.ListAsync(new JobQuery { Status = JobStatus.Completed, Limit = DocumentCount })).Count(j => j.Attempts > 1)}");
            Assert.Equal(new JobStatusCounts(0, 0, DocumentCount, 0, 0), await jobs.GetCountsAsync());
            foreach (var id in orphans)
            {
                var job = await jobs.GetAsync(id);
                Assert.Equal(JobStatus.Completed, job!.Status);
                Assert.True(job.Attempts >= 2, $"job {id} ran {job.Attempts} times");
                Assert.DoesNotContain(victim.OwnerPart, job.LeaseOwner, StringComparison.Ordinal);
            }

            // Taken over within seconds of the lease expiring: the bound is loose on purpose (a loaded machine), but far from minutes.
            Assert.All(takenOverAfter.Values, after => Assert.True(after < LeaseDuration + TimeSpan.FromSeconds(30), $"taken over after {after}"));
            await AssertEveryDocumentIndexedOnceAsync(sources);
        }
        finally
        {
            foreach (var process in busy)
            {
                process.Dispose();
            }

            foreach (var worker in workers)
            {
                output.WriteLine(worker.Errors);
                worker.Dispose();
            }
        }
    }

    internal static string NoteText(int i) =>
        $"Field note {i}. The observer counted {i % 17} herons and {i % 11} egrets near marker {i}. " +
        $"Water level was {i % 7} centimetres above the mark; the reeds were {(i % 2 == 0 ? "dry" : "flooded")}.";

    private static async Task<List<JobRecord>> ProcessingOfAsync(IJobStore jobs, WorkerProcess worker) =>
        (await jobs.ListAsync(new JobQuery { Status = JobStatus.Processing, Limit = 1000 }))
            .Where(j => j.LeaseOwner is not null && j.LeaseOwner.Contains(worker.OwnerPart, StringComparison.Ordinal))
            .ToList();

    /// <summary>Polls an outcome of other processes' work (not a timing assertion): gives up after <see cref="Patience"/>.</summary>
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < Patience, "the workers made no progress in time");
            await Task.Delay(100);
        }
    }

    private WorkerProcess StartWorker(string name, TimeSpan extraPerJob) =>
        WorkerProcess.Start(_schema.Options().ConnectionString!, _schema.Name, _directory.File(name), extraPerJob);

    private async Task AssertEveryDocumentIndexedOnceAsync(List<string> sources)
    {
        var provider = _provider!;
        var registry = provider.GetRequiredService<IDocumentRegistry>();
        var keyword = provider.GetRequiredService<IKeywordIndex>();
        var statistics = await registry.GetStatisticsAsync();
        Assert.Equal((DocumentCount, 0L, 0L), (statistics.Documents, statistics.PendingDocuments, statistics.FailedDocuments));

        var documents = await registry.GetManyAsync(sources.Select(DocumentIds.FromSource).ToList());
        Assert.Equal(DocumentCount, documents.Count);
        foreach (var document in documents.Values)
        {
            // A job cut off after staging (killed, or its lease lost) stages again, as the next version: the version may
            // differ, the content may not, and no staged version is left behind.
            Assert.Equal((DocumentStatus.Indexed, null), (document.Status, document.PendingVersion));
            Assert.True(document.Version >= 1);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(document.Source))), document.ContentHash);
        }

        output.WriteLine($"documents committed more than once: {documents.Values.Count(d => d.Version > 1)}");

        var expected = new List<IndexEntry>();
        await foreach (var entry in registry.StreamEntriesAsync())
        {
            expected.Add(new IndexEntry(entry.ChunkId, entry.DocumentId, entry.Revision));
        }

        var indexed = new List<IndexEntry>();
        await foreach (var entry in keyword.ListEntriesAsync())
        {
            indexed.Add(entry);
        }

        Assert.Equal(DocumentCount, expected.Select(e => e.DocumentId).Distinct().Count());
        Assert.Equal(expected.OrderBy(e => e.ChunkId, StringComparer.Ordinal), indexed.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
        Assert.Equal(DocumentCount, await provider.GetRequiredService<IFingerprintStore>().CountAsync());
        var hits = await keyword.SearchAsync("herons marker 1234", 5);
        Assert.Equal(DocumentIds.FromSource(sources[1234]), hits[0].DocumentId);
    }
}
