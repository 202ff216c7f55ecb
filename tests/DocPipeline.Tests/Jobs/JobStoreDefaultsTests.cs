using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Tests.Queue;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Jobs;

/// <summary>
/// A job store written before the operator controls existed (it implements only the core members) keeps working
/// through the default implementations of <see cref="IJobStore"/>.
/// </summary>
public sealed class JobStoreDefaultsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task DefaultMembers_CoreOnlyStore_BulkCancelRetryAndErrorsWorkPauseIsRefused()
    {
        using var inner = SqliteJobStore.CreateTemporary(new JobStoreSettings { MaxAttempts = 1 }, _time);
        IJobStore store = new CoreOnlyJobStore(inner);
        var jobs = await store.CreateAsync(Enumerable.Range(0, 1200).Select(i => new JobRequest { DocumentId = $"d{i}", Source = $"/d{i}.txt" }).ToList());
        var failing = await store.ClaimAsync(new JobClaimRequest { Owner = "w", MaxJobs = 2, LeaseDuration = TimeSpan.FromMinutes(1) });
        foreach (var lease in failing)
        {
            await store.FailAsync(lease, new JobFailure("broken", Retryable: false));
        }

        Assert.Equal(1198, await store.CancelAllPendingAsync());
        var error = Assert.Single(await store.ListErrorsAsync(failing[0].JobId));
        Assert.Equal((1, "broken"), (error.Attempt, error.Message));
        Assert.Equal(2, await store.RetryFailedAsync());
        Assert.Equal(new JobStatusCounts(2, 0, 0, 0, 1198), await store.GetCountsAsync());
        Assert.False((await store.GetPauseStateAsync()).IsPaused);
        await Assert.ThrowsAsync<NotSupportedException>(() => store.SetPauseStateAsync(true, false, null));
        await Assert.ThrowsAsync<NotSupportedException>(() => store.PurgeAsync(_time.GetUtcNow(), JobStatus.Cancelled));
        Assert.Equal(jobs.Count, (await store.ListAsync(new JobQuery { Limit = 5000 })).Count);
    }

    [Fact]
    public async Task PauseAsync_StoreWithoutAPauseFlag_PausesThisQueueOnly()
    {
        using var inner = SqliteJobStore.CreateTemporary(new JobStoreSettings(), _time);
        var store = new CoreOnlyJobStore(inner);
        var queue = new DocumentQueue(store, new DelegateJobHandler((_, _) => Task.FromResult<string?>(null)), Microsoft.Extensions.Options.Options.Create(new DocPipelineOptions()), _time);
        await queue.EnqueueAsync([new JobRequest { DocumentId = "a", Source = "/a.txt" }]);

        var state = await queue.PauseAsync();
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await queue.WaitingForWorkAsync(() => true).WaitAsync(QueueHarness.Patience);

        Assert.True(state.IsPaused);
        Assert.True(queue.IsPaused);
        Assert.Equal(1, (await queue.GetCountsAsync()).Pending);
        await queue.ResumeAsync();
        await queue.WaitingForWorkAsync(() => queue.RunningCount == 0 && store.GetCountsAsync().Result.Completed == 1).WaitAsync(QueueHarness.Patience);
        Assert.False(queue.IsPaused);
        await stop.CancelAsync();
        await run.WaitAsync(QueueHarness.Patience);
    }

    /// <summary>Implements only the core members, by delegation, so every control member runs its default implementation.</summary>
    private sealed class CoreOnlyJobStore(IJobStore inner) : IJobStore
    {
        public Task<IReadOnlyList<JobRecord>> CreateAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default) => inner.CreateAsync(requests, cancellationToken);

        public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default) => inner.GetAsync(jobId, cancellationToken);

        public Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

        public Task<JobStatusCounts> GetCountsAsync(string? batchId = null, CancellationToken cancellationToken = default) => inner.GetCountsAsync(batchId, cancellationToken);

        public Task<IReadOnlyList<JobLease>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default) => inner.ClaimAsync(request, cancellationToken);

        public Task<LeaseRenewal> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, duration, cancellationToken);

        public Task<bool> ReportProgressAsync(JobLease lease, double progress, CancellationToken cancellationToken = default) => inner.ReportProgressAsync(lease, progress, cancellationToken);

        public Task<bool> SaveCheckpointAsync(JobLease lease, string checkpoint, CancellationToken cancellationToken = default) => inner.SaveCheckpointAsync(lease, checkpoint, cancellationToken);

        public Task<bool> CompleteAsync(JobLease lease, string? result = null, CancellationToken cancellationToken = default) => inner.CompleteAsync(lease, result, cancellationToken);

        public Task<JobFailureOutcome> FailAsync(JobLease lease, JobFailure failure, CancellationToken cancellationToken = default) => inner.FailAsync(lease, failure, cancellationToken);

        public Task<bool> ReleaseAsync(JobLease lease, CancellationToken cancellationToken = default) => inner.ReleaseAsync(lease, cancellationToken);

        public Task<bool> ConfirmCancelledAsync(JobLease lease, CancellationToken cancellationToken = default) => inner.ConfirmCancelledAsync(lease, cancellationToken);

        public Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default) => inner.CancelAsync(jobId, cancellationToken);

        public Task<bool> RetryAsync(string jobId, CancellationToken cancellationToken = default) => inner.RetryAsync(jobId, cancellationToken);

        public Task<IReadOnlyList<JobRecord>> ListInterruptedAsync(CancellationToken cancellationToken = default) => inner.ListInterruptedAsync(cancellationToken);

        public Task<int> ExpireLeasesAsync(string owner, CancellationToken cancellationToken = default) => inner.ExpireLeasesAsync(owner, cancellationToken);

        public Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default) => inner.PurgeAsync(finishedBefore, cancellationToken);
    }
}
