using System.Collections.Concurrent;
using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.PostgreSql.Tests.Jobs;

/// <summary>
/// Claims as a deployment of many workers makes them: several pools (one per worker process) claiming and creating
/// at once. Beyond the contract suite, which runs its claimers on one pool.
/// </summary>
public sealed class PostgreSqlJobClaimTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly PostgreSqlTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task ClaimAsync_ManyWorkersWhileNewJobsArriveForBusyDocuments_NeverTwoHoldersOfADocumentAndEveryLatestJobRuns()
    {
        const int Documents = 150;
        var workers = Enumerable.Range(0, 6).Select(_ => Store(TimeProvider.System)).ToList();
        await workers[0].CreateAsync(Enumerable.Range(0, Documents).Select(i => Request($"doc{i}")).ToList());
        var holders = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var violations = new ConcurrentBag<string>();
        var completedJobs = new ConcurrentBag<string>();
        using var creating = new CancellationTokenSource();

        // A producer keeps enqueueing second versions of documents that may be running right now.
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Documents; i += 3)
            {
                await workers[1].CreateAsync([Request($"doc{i}"), Request($"doc{(i + 1) % Documents}")]);
            }
        });
        var claimers = workers.Select((store, w) => Task.Run(async () =>
        {
            var idle = 0;
            while (idle < 3)
            {
                var leases = await store.ClaimAsync(new JobClaimRequest { Owner = $"w{w}", MaxJobs = 1 + (w % 4), LeaseDuration = Lease });
                idle = leases.Count == 0 && producer.IsCompleted ? idle + 1 : 0;
                foreach (var lease in leases)
                {
                    if (!holders.TryAdd(lease.Job.DocumentId, lease.JobId))
                    {
                        violations.Add($"{lease.Job.DocumentId}: {lease.JobId} claimed while {holders[lease.Job.DocumentId]} runs");
                    }
                }

                foreach (var lease in leases)
                {
                    // Let go just before completing: a claim of the same document seen before this point certainly
                    // overlapped this lease (no false alarms; one that overlaps the completion itself goes unseen).
                    holders.TryRemove(lease.Job.DocumentId, out _);
                    if (await store.CompleteAsync(lease))
                    {
                        completedJobs.Add(lease.JobId);
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(claimers.Append(producer));

        Assert.Empty(violations);
        var counts = await workers[0].GetCountsAsync();
        Assert.Equal((0L, 0L), (counts.Pending, counts.Processing));
        Assert.Equal(counts.Completed, completedJobs.Distinct().Count());

        // Whatever was superseded, the newest job of every document ran.
        var all = await workers[0].ListAsync(new JobQuery { Limit = 10_000 });
        foreach (var document in all.GroupBy(j => j.DocumentId))
        {
            Assert.Equal(JobStatus.Completed, document.MaxBy(j => j.Sequence)!.Status);
        }
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentWorkers_EachTakesHigherPrioritiesFirst()
    {
        var creator = Store(TimeProvider.System);
        await creator.CreateAsync(Enumerable.Range(0, 300).Select(i => Request($"doc{i}", priority: i % 3)).ToList());
        var claimedBy = new ConcurrentDictionary<int, List<int>>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var store = Store(TimeProvider.System);
            var mine = claimedBy.GetOrAdd(w, _ => []);
            while (await store.ClaimAsync(new JobClaimRequest { Owner = $"w{w}", MaxJobs = 3, LeaseDuration = Lease }) is { Count: > 0 } leases)
            {
                mine.AddRange(leases.Select(l => l.Job.Priority));
                foreach (var lease in leases)
                {
                    Assert.True(await store.CompleteAsync(lease));
                }
            }
        })));

        Assert.Equal(300, claimedBy.Values.Sum(c => c.Count));
        Assert.All(claimedBy.Values, priorities => Assert.Equal(priorities.OrderByDescending(p => p), priorities));
    }

    [Fact]
    public async Task ClaimAsync_StaleJobsFillTheFirstRowsWalked_WalksOnAndClaimsAsManyAsAsked()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var store = Store(time);
        var old = await store.CreateAsync(Enumerable.Range(0, 6).Select(i => Request($"doc{i}")).ToList());
        foreach (var lease in await store.ClaimAsync(new JobClaimRequest { Owner = "w1", MaxJobs = 6, LeaseDuration = Lease }))
        {
            await store.FailAsync(lease, new JobFailure("broken", Retryable: false));
        }

        var newer = await store.CreateAsync(Enumerable.Range(0, 6).Select(i => Request($"doc{i}")).ToList());
        foreach (var job in old)
        {
            Assert.True(await store.RetryAsync(job.Id));
        }

        // Claim order is now the six retried (stale) jobs, then the six newer ones; asking for two walks past all stale ones.
        var claimed = await store.ClaimAsync(new JobClaimRequest { Owner = "w2", MaxJobs = 2, LeaseDuration = Lease });

        Assert.Equal([newer[0].Id, newer[1].Id], claimed.Select(l => l.JobId));
        foreach (var (job, replacement) in old.Zip(newer))
        {
            var stale = await store.GetAsync(job.Id);
            Assert.Equal((JobStatus.Cancelled, $"superseded by job {replacement.Id}"), (stale!.Status, stale.Error));
        }

        Assert.Equal(4, (await store.GetCountsAsync()).Pending);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(1, "")]
    [InlineData(2, "disk full")]
    [InlineData(3, "it's \"quoted\"")]
    public async Task LeaseExpiredError_WrittenByTheServer_IsTheTextEveryStoreUses(int attempts, string? lastError)
    {
        var written = await PostgreSqlTestServer.ScalarAsync(
            $"SELECT {PostgreSqlJobStore.LeaseExpiredError} FROM (VALUES (@attempts, @error)) AS j(attempts, error);",
            ("attempts", attempts),
            ("error", (object?)lastError ?? DBNull.Value));

        Assert.Equal(JobRules.LeaseExpired(attempts, lastError), written);
    }

    private PostgreSqlJobStore Store(TimeProvider time) => new(_schema.Open(), new JobStoreSettings(), time);

    private static JobRequest Request(string documentId, int priority = 0) => new() { DocumentId = documentId, Source = $"/docs/{documentId}.txt", Priority = priority };
}
