using DocPipeline.Jobs;
using Xunit;

namespace DocPipeline.Specification.Tests.Jobs;

/// <summary>The contract of the operator controls: the durable pause, the error history, bulk cancel, retry and purge.</summary>
public abstract partial class JobStoreSpecification
{
    [Fact]
    public async Task GetPauseStateAsync_NeverPaused_Running()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());

        var state = await store.GetPauseStateAsync();

        Assert.Equal((false, false, null), (state.IsPaused, state.InterruptRunning, state.ChangedAt));
    }

    [Fact]
    public async Task SetPauseStateAsync_Paused_ClaimsNothingUntilResumed()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var jobs = await store.CreateAsync([Request("a"), Request("b")]);

        var paused = await store.SetPauseStateAsync(paused: true, interruptRunning: true, changedBy: "operator");

        Assert.Equal(new QueuePauseState { IsPaused = true, InterruptRunning = true, ChangedAt = Time.GetUtcNow(), ChangedBy = "operator" }, paused);
        Assert.Equal(paused, await store.GetPauseStateAsync());
        Assert.Empty(await store.ClaimAsync(Claim("w1", 10)));
        Assert.Equal(2, (await store.GetCountsAsync()).Pending);

        Time.Advance(TimeSpan.FromMinutes(1));
        var resumed = await store.SetPauseStateAsync(paused: false, interruptRunning: true, changedBy: null);

        Assert.Equal(new QueuePauseState { IsPaused = false, InterruptRunning = false, ChangedAt = Time.GetUtcNow() }, resumed);
        Assert.Equal(jobs.Select(j => j.Id).Order(), (await store.ClaimAsync(Claim("w1", 10))).Select(l => l.JobId).Order());
    }

    [Fact]
    public async Task SetPauseStateAsync_WhileAJobRuns_ItsLeaseStillRenewsAndCompletes()
    {
        var (store, lease) = await ClaimedJobAsync();

        await store.SetPauseStateAsync(paused: true, interruptRunning: false, changedBy: "operator");

        Assert.True((await store.RenewLeaseAsync(lease, Lease)).Renewed);
        Assert.True(await store.CompleteAsync(lease));
    }

    [Fact]
    public async Task ListErrorsAsync_FailedAttempts_EveryErrorWithItsAttemptAndTime()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(10) });
        var job = (await store.CreateAsync([Request("a")]))[0];
        var first = Assert.Single(await store.ClaimAsync(Claim("w1")));
        var firstAt = Time.GetUtcNow();
        await store.FailAsync(first, new JobFailure("disk full", Retryable: true));
        Time.Advance(TimeSpan.FromMinutes(1));

        // A release gives the attempt back: it is not a failure.
        await store.ReleaseAsync(Assert.Single(await store.ClaimAsync(Claim("w1"))));
        var second = Assert.Single(await store.ClaimAsync(Claim("w1")));
        var secondAt = Time.GetUtcNow();
        await store.FailAsync(second, new JobFailure("disk full", Retryable: true));
        Time.Advance(TimeSpan.FromMinutes(1));
        var third = Assert.Single(await store.ClaimAsync(Claim("w1")));
        var thirdAt = Time.GetUtcNow();
        await store.FailAsync(third, new JobFailure("bad PDF", Retryable: false));

        var errors = await store.ListErrorsAsync(job.Id);

        Assert.Equal(
            [new JobError(1, firstAt, "disk full"), new JobError(2, secondAt, "disk full"), new JobError(3, thirdAt, "bad PDF")],
            errors);
        Assert.Empty(await store.ListErrorsAsync("no-such-job"));
    }

    [Fact]
    public async Task ListErrorsAsync_LeaseExpiredWithNoAttemptsLeft_RecordsThatError()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 1 });
        var job = (await store.CreateAsync([Request("a")]))[0];
        await store.ClaimAsync(Claim("w1"));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        await store.ClaimAsync(Claim("w2"));

        var error = Assert.Single(await store.ListErrorsAsync(job.Id));
        Assert.Equal((1, Time.GetUtcNow()), (error.Attempt, error.At));
        Assert.Contains("lease expired", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CancelAllPendingAsync_PendingCancelled_RunningAndFinishedKept()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var running = (await store.CreateAsync([Request("running", priority: 5)]))[0];
        var lease = Assert.Single(await store.ClaimAsync(Claim("w1")));
        var pending = await store.CreateAsync([Request("p1"), Request("p2")]);

        Assert.Equal(2, await store.CancelAllPendingAsync());

        Assert.All(pending, j => Assert.Equal(JobStatus.Cancelled, store.GetAsync(j.Id).Result!.Status));
        Assert.Equal(JobStatus.Processing, (await store.GetAsync(running.Id))!.Status);
        Assert.True(await store.CompleteAsync(lease));
        Assert.Equal(0, await store.CancelAllPendingAsync());
    }

    [Fact]
    public async Task RetryFailedAsync_FailedJobs_PendingWithFreshAttemptsOthersKept()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 1 });
        var jobs = await store.CreateAsync([Request("f1"), Request("f2"), Request("done")]);
        var leases = (await store.ClaimAsync(Claim("w1", 3))).ToDictionary(l => l.Job.DocumentId);
        await store.FailAsync(leases["f1"], new JobFailure("broken", Retryable: true));
        await store.FailAsync(leases["f2"], new JobFailure("broken", Retryable: false));
        await store.CompleteAsync(leases["done"]);

        Assert.Equal(2, await store.RetryFailedAsync());

        var retried = await store.GetAsync(jobs[0].Id);
        Assert.Equal((JobStatus.Pending, 0, null, "broken"), (retried!.Status, retried.Attempts, retried.FinishedAt, retried.Error));
        Assert.Equal(JobStatus.Pending, (await store.GetAsync(jobs[1].Id))!.Status);
        Assert.Equal(JobStatus.Completed, (await store.GetAsync(jobs[2].Id))!.Status);
        var claimed = await store.ClaimAsync(Claim("w1", 10));
        Assert.Equal(new[] { jobs[0].Id, jobs[1].Id }.Order(), claimed.Select(l => l.JobId).Order());
        Assert.All(claimed, l => Assert.Equal(1, l.Job.Attempts));
    }

    [Fact]
    public async Task PurgeAsync_ByStatus_OnlyOldJobsInThatStateDeletedWithTheirErrors()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var old = await CreateFinishedJobsAsync(store);
        Time.Advance(TimeSpan.FromDays(2));
        var recent = (await store.CreateAsync([Request("recent")]))[0];
        await store.FailAsync(Assert.Single(await store.ClaimAsync(Claim("w1"))), new JobFailure("y", Retryable: false));

        Assert.Equal(1, await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(1), JobStatus.Failed));

        Assert.Null(await store.GetAsync(old[1].Id));
        Assert.Empty(await store.ListErrorsAsync(old[1].Id));
        Assert.Equal(JobStatus.Completed, (await store.GetAsync(old[0].Id))!.Status);
        Assert.Equal(JobStatus.Cancelled, (await store.GetAsync(old[2].Id))!.Status);
        Assert.Equal(JobStatus.Failed, (await store.GetAsync(recent.Id))!.Status);
        Assert.Single(await store.ListErrorsAsync(recent.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PurgeAsync(Time.GetUtcNow(), JobStatus.Pending));
    }

    /// <summary>Creates three jobs and finishes them: completed, failed and cancelled, in that order.</summary>
    protected async Task<IReadOnlyList<JobRecord>> CreateFinishedJobsAsync(IJobStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var jobs = await store.CreateAsync([Request("completed"), Request("failed"), Request("cancelled")]);
        var leases = (await store.ClaimAsync(Claim("w1", 3))).ToDictionary(l => l.Job.DocumentId);
        await store.CompleteAsync(leases["completed"]);
        await store.FailAsync(leases["failed"], new JobFailure("x", Retryable: false));
        await store.ConfirmCancelledAsync(leases["cancelled"]);
        return jobs;
    }
}
