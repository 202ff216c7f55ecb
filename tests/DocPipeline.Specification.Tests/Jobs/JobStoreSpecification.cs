using System.Collections.Concurrent;
using DocPipeline.Jobs;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace DocPipeline.Specification.Tests.Jobs;

/// <summary>
/// The contract of <see cref="IJobStore"/>. Every job store's test class inherits this suite and supplies only
/// <see cref="CreateStore"/>; time is a <see cref="FakeTimeProvider"/>, so lease expiry and backoff are exact.
/// </summary>
public abstract partial class JobStoreSpecification
{
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Creates an empty store that reads the clock from <paramref name="time"/> and applies <paramref name="settings"/>.</summary>
    protected abstract IJobStore CreateStore(FakeTimeProvider time, JobStoreSpecificationSettings settings);

    [Fact]
    public async Task CreateAsync_Requests_PendingJobsInRequestOrderWithDefaults()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 4, DefaultPriority = 7 });

        var jobs = await store.CreateAsync(
        [
            Request("a"),
            new JobRequest { DocumentId = "b", Source = "b.txt", Type = JobType.Remove, Priority = -3, MaxAttempts = 9, BatchId = "run1", Payload = "{}" },
        ]);

        Assert.Equal(["a", "b"], jobs.Select(j => j.DocumentId));
        Assert.All(jobs, j => Assert.Equal(JobStatus.Pending, j.Status));
        Assert.Equal(2, jobs.Select(j => j.Id).Distinct().Count());
        Assert.True(jobs[1].Sequence > jobs[0].Sequence);
        Assert.Equal((7, 4, JobType.Add), (jobs[0].Priority, jobs[0].MaxAttempts, jobs[0].Type));
        Assert.Equal((-3, 9, JobType.Remove, "run1", "{}"), (jobs[1].Priority, jobs[1].MaxAttempts, jobs[1].Type, jobs[1].BatchId, jobs[1].Payload));
        Assert.Equal(Time.GetUtcNow(), jobs[0].NextAttemptAt);
        var stored = await store.GetAsync(jobs[1].Id);
        Assert.Equal(jobs[1], stored);
    }

    [Fact]
    public async Task CreateAsync_EmptyDocumentId_Throws()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CreateAsync([new JobRequest { DocumentId = "", Source = "x" }]));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());

        Assert.Null(await store.GetAsync("no-such-job"));
    }

    [Fact]
    public async Task ClaimAsync_NothingPending_ReturnsEmpty()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());

        Assert.Empty(await store.ClaimAsync(Claim("w1", 10)));
    }

    [Fact]
    public async Task ClaimAsync_MixedJobs_OrderedByPriorityThenDueTimeThenAge()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { RetryBaseDelay = TimeSpan.FromSeconds(10) });
        var retried = (await store.CreateAsync([Request("retried")]))[0];
        var first = Assert.Single(await store.ClaimAsync(Claim("w1")));
        Assert.Equal(JobFailureOutcome.RetryScheduled, await store.FailAsync(first, new JobFailure("boom", Retryable: true))); // due at +10 s
        var older = await store.CreateAsync([Request("older1"), Request("older2")]); // due at +0 s
        Time.Advance(TimeSpan.FromSeconds(5));
        var later = (await store.CreateAsync([Request("later")]))[0]; // due at +5 s
        var urgent = (await store.CreateAsync([Request("urgent", priority: 5)]))[0];
        Time.Advance(TimeSpan.FromSeconds(20));

        var oneAtATime = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            oneAtATime.Add(Assert.Single(await store.ClaimAsync(Claim("w1"))).JobId);
        }

        Assert.Equal([urgent.Id, older[0].Id, older[1].Id, later.Id, retried.Id], oneAtATime);
    }

    [Fact]
    public async Task ClaimAsync_Batch_ReturnsJobsInClaimOrderUpToMax()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var jobs = await store.CreateAsync([Request("a"), Request("b", priority: 1), Request("c"), Request("d")]);

        var leases = await store.ClaimAsync(Claim("w1", 3));

        Assert.Equal([jobs[1].Id, jobs[0].Id, jobs[2].Id], leases.Select(l => l.JobId));
        Assert.All(leases, l =>
        {
            Assert.Equal(JobStatus.Processing, l.Job.Status);
            Assert.Equal(1, l.Job.Attempts);
            Assert.Equal("w1", l.Job.LeaseOwner);
            Assert.Equal(Time.GetUtcNow() + Lease, l.ExpiresAt);
        });
        Assert.Equal(3, leases.Select(l => l.Token).Distinct().Count());
    }

    [Fact]
    public async Task ClaimAsync_ManyConcurrentClaimers_NeverShareAJob()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        const int JobCount = 600;
        await store.CreateAsync(Enumerable.Range(0, JobCount).Select(i => Request($"doc{i}")).ToList());
        var claimed = new ConcurrentBag<JobLease>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                var leases = await store.ClaimAsync(Claim($"w{worker}", 1 + (worker % 4)));
                if (leases.Count == 0)
                {
                    return;
                }

                foreach (var lease in leases)
                {
                    claimed.Add(lease);
                    Assert.True(await store.CompleteAsync(lease));
                }
            }
        })));

        Assert.Equal(JobCount, claimed.Count);
        Assert.Equal(JobCount, claimed.Select(l => l.JobId).Distinct().Count());
        Assert.Equal(new JobStatusCounts(0, 0, JobCount, 0, 0), await store.GetCountsAsync());
    }

    [Fact]
    public async Task ClaimAsync_LiveLease_NotClaimedAgain()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        await store.CreateAsync([Request("a")]);
        Assert.Single(await store.ClaimAsync(Claim("w1")));
        Time.Advance(Lease - TimeSpan.FromSeconds(1));

        Assert.Empty(await store.ClaimAsync(Claim("w2")));
    }

    [Fact]
    public async Task ClaimAsync_LeaseExpired_ReclaimedWithNewTokenAndAttemptCounted()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var job = (await store.CreateAsync([Request("a")]))[0];
        var crashed = Assert.Single(await store.ClaimAsync(Claim("w1")));
        Time.Advance(Lease);

        var resumed = Assert.Single(await store.ClaimAsync(Claim("w2")));

        Assert.Equal(job.Id, resumed.JobId);
        Assert.NotEqual(crashed.Token, resumed.Token);
        Assert.Equal(2, resumed.Job.Attempts);
        Assert.Equal("w2", resumed.Job.LeaseOwner);
    }

    [Fact]
    public async Task StaleLease_AfterReclaim_ChangesNothing()
    {
        var (store, stale) = await ClaimedJobAsync();
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var current = Assert.Single(await store.ClaimAsync(Claim("w2")));
        await store.SaveCheckpointAsync(current, "current");

        Assert.False(await store.CompleteAsync(stale, "stale result"));
        Assert.Equal(JobFailureOutcome.LeaseLost, await store.FailAsync(stale, new JobFailure("stale", Retryable: false)));
        Assert.False(await store.SaveCheckpointAsync(stale, "stale"));
        Assert.False(await store.ReportProgressAsync(stale, 0.9));
        Assert.False(await store.ReleaseAsync(stale));
        Assert.False(await store.ConfirmCancelledAsync(stale));
        Assert.False((await store.RenewLeaseAsync(stale, Lease)).Renewed);

        var job = await store.GetAsync(current.JobId);
        Assert.Equal((JobStatus.Processing, "w2", "current", null, null, 0.0), (job!.Status, job.LeaseOwner, job.Checkpoint, job.Result, job.Error, job.Progress));
        Assert.True(await store.CompleteAsync(current, "done"));
    }

    [Fact]
    public async Task StaleLease_AfterCompletion_CannotCompleteAgain()
    {
        var (store, lease) = await ClaimedJobAsync();
        Assert.True(await store.CompleteAsync(lease, "first"));

        Assert.False(await store.CompleteAsync(lease, "second"));
        Assert.Equal(JobFailureOutcome.LeaseLost, await store.FailAsync(lease, new JobFailure("late", Retryable: true)));
        Assert.Equal("first", (await store.GetAsync(lease.JobId))!.Result);
    }

    [Fact]
    public async Task LeaseOperations_UnknownJob_ReportLostWithoutThrowing()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var ghost = new JobLease
        {
            Job = new JobRecord { Id = "no-such-job", DocumentId = "d", Source = "s" },
            Owner = "w1",
            Token = "t",
        };

        Assert.False((await store.RenewLeaseAsync(ghost, Lease)).Renewed);
        Assert.False(await store.CompleteAsync(ghost));
        Assert.Equal(JobFailureOutcome.LeaseLost, await store.FailAsync(ghost, new JobFailure("x", Retryable: true)));
        Assert.False(await store.SaveCheckpointAsync(ghost, "c"));
        Assert.False(await store.ReportProgressAsync(ghost, 0.5));
        Assert.False(await store.ReleaseAsync(ghost));
        Assert.False(await store.ConfirmCancelledAsync(ghost));
        Assert.Equal(JobCancelResult.NotFound, await store.CancelAsync("no-such-job"));
        Assert.False(await store.RetryAsync("no-such-job"));
    }

    [Fact]
    public async Task RenewLeaseAsync_HeldLease_ExtendsExpiry()
    {
        var (store, lease) = await ClaimedJobAsync();
        Time.Advance(TimeSpan.FromSeconds(20));

        var renewal = await store.RenewLeaseAsync(lease, Lease);
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(new LeaseRenewal(true, Time.GetUtcNow() - TimeSpan.FromSeconds(20) + Lease, false), renewal);
        Assert.Empty(await store.ClaimAsync(Claim("w2")));
        Assert.Empty(await store.ListInterruptedAsync());
    }

    [Fact]
    public async Task ClaimAsync_LeaseExpiredWithNoAttemptsLeft_JobFailsSayingTheLeaseExpired()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 2 });
        var job = (await store.CreateAsync([Request("a")]))[0];
        var first = Assert.Single(await store.ClaimAsync(Claim("w1")));
        Assert.Equal(JobFailureOutcome.RetryScheduled, await store.FailAsync(first, new JobFailure("disk full", Retryable: true)));
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await store.ClaimAsync(Claim("w1")));
        Time.Advance(Lease);

        Assert.Empty(await store.ClaimAsync(Claim("w2")));

        var failed = await store.GetAsync(job.Id);
        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Contains("lease expired", failed.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("2 attempts", failed.Error, StringComparison.Ordinal);
        Assert.Contains("disk full", failed.Error, StringComparison.Ordinal);
        Assert.NotNull(failed.FinishedAt);
    }

    [Fact]
    public async Task FailAsync_Retryable_BacksOffExponentiallyWithJitterUntilFailedWithErrorKept()
    {
        var randoms = new Queue<double>([0.5, 0.0, 0.999]);
        var store = CreateStore(Time, new JobStoreSpecificationSettings
        {
            MaxAttempts = 4,
            RetryBaseDelay = TimeSpan.FromSeconds(10),
            RetryMaxDelay = TimeSpan.FromSeconds(25),
            RetryJitter = 0.5,
            NextRandom = randoms.Dequeue,
        });
        var job = (await store.CreateAsync([Request("a")]))[0];

        // Attempt n waits min(25 s, 10 s * 2^(n-1)) * (1 - 0.5 * random).
        TimeSpan[] expected = [TimeSpan.FromSeconds(7.5), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(25_000 * (1 - (0.5 * 0.999)))];
        foreach (var delay in expected)
        {
            var lease = Assert.Single(await store.ClaimAsync(Claim("w1")));
            var failedAt = Time.GetUtcNow();
            Assert.Equal(JobFailureOutcome.RetryScheduled, await store.FailAsync(lease, new JobFailure($"error {lease.Job.Attempts}", Retryable: true)));

            var pending = await store.GetAsync(job.Id);
            Assert.Equal(JobStatus.Pending, pending!.Status);
            Assert.Equal($"error {lease.Job.Attempts}", pending.Error);
            Assert.Equal(failedAt + delay, pending.NextAttemptAt, TimeSpan.FromMilliseconds(1));
            Time.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.Empty(await store.ClaimAsync(Claim("w1")));
            Time.Advance(TimeSpan.FromMilliseconds(2));
        }

        var last = Assert.Single(await store.ClaimAsync(Claim("w1")));
        Assert.Equal(4, last.Job.Attempts);
        Assert.Equal(JobFailureOutcome.Failed, await store.FailAsync(last, new JobFailure("final error", Retryable: true)));

        var failed = await store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Failed, "final error", 4), (failed!.Status, failed.Error, failed.Attempts));
        Assert.Equal(Time.GetUtcNow(), failed.FinishedAt!.Value, TimeSpan.FromMilliseconds(1)); // stores keep milliseconds
        Assert.Empty(await store.ClaimAsync(Claim("w1")));
    }

    [Fact]
    public async Task FailAsync_RandomJitter_DelayStaysWithinBounds()
    {
        var random = new Random(12345);
        var store = CreateStore(Time, new JobStoreSpecificationSettings
        {
            MaxAttempts = 5,
            RetryBaseDelay = TimeSpan.FromSeconds(8),
            RetryJitter = 0.25,
            NextRandom = random.NextDouble,
        });
        await store.CreateAsync(Enumerable.Range(0, 40).Select(i => Request($"doc{i}")).ToList());
        var leases = await store.ClaimAsync(Claim("w1", 40));
        var now = Time.GetUtcNow();

        var delays = new List<TimeSpan>();
        foreach (var lease in leases)
        {
            await store.FailAsync(lease, new JobFailure("flaky", Retryable: true));
            delays.Add((await store.GetAsync(lease.JobId))!.NextAttemptAt - now);
        }

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(8)));
        Assert.True(delays.Distinct().Count() > 1, "the jitter spreads retries apart");
    }

    [Fact]
    public async Task FailAsync_NotRetryable_FailsAtOnceWithAttemptsLeft()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 5 });
        await store.CreateAsync([Request("a")]);
        var lease = Assert.Single(await store.ClaimAsync(Claim("w1")));

        var outcome = await store.FailAsync(lease, new JobFailure("not a PDF", Retryable: false));

        Assert.Equal(JobFailureOutcome.Failed, outcome);
        var job = await store.GetAsync(lease.JobId);
        Assert.Equal((JobStatus.Failed, "not a PDF", 1), (job!.Status, job.Error, job.Attempts));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await store.ClaimAsync(Claim("w1")));
    }

    [Fact]
    public async Task CreateAsync_DocumentHasPendingJob_OlderJobSuperseded()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var older = (await store.CreateAsync([Request("a"), Request("other")]))[0];

        var newer = (await store.CreateAsync([Request("a", type: JobType.Update)]))[0];

        var superseded = await store.GetAsync(older.Id);
        Assert.Equal((JobStatus.Cancelled, $"superseded by job {newer.Id}"), (superseded!.Status, superseded.Error));
        Assert.NotNull(superseded.FinishedAt);
        var claimed = await store.ClaimAsync(Claim("w1", 10));
        Assert.Equal(2, claimed.Count);
        Assert.Contains(claimed, l => l.JobId == newer.Id);
    }

    [Fact]
    public async Task CreateAsync_SameDocumentTwiceInOneBatch_LaterSupersedesEarlier()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());

        var jobs = await store.CreateAsync([Request("a"), Request("a", type: JobType.Remove)]);

        Assert.Equal(JobStatus.Cancelled, (await store.GetAsync(jobs[0].Id))!.Status);
        Assert.Equal(jobs[1].Id, Assert.Single(await store.ClaimAsync(Claim("w1", 10))).JobId);
    }

    [Fact]
    public async Task ClaimAsync_DocumentProcessingUnderLiveLease_NewerJobWaits()
    {
        var (store, running) = await ClaimedJobAsync();
        var next = (await store.CreateAsync([Request("a")]))[0];

        Assert.Equal(JobStatus.Processing, (await store.GetAsync(running.JobId))!.Status);
        Assert.Empty(await store.ClaimAsync(Claim("w2", 10)));
        Assert.True(await store.CompleteAsync(running));
        Assert.Equal(next.Id, Assert.Single(await store.ClaimAsync(Claim("w2", 10))).JobId);
    }

    [Fact]
    public async Task ClaimAsync_ExpiredJobWithNewerJobForItsDocument_OlderCancelledAsSuperseded()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var older = (await store.CreateAsync([Request("a")]))[0];
        Assert.Single(await store.ClaimAsync(Claim("crashed")));
        var newer = (await store.CreateAsync([Request("a")]))[0];
        Time.Advance(Lease);

        var claimed = await store.ClaimAsync(Claim("w2", 10));

        Assert.Equal(newer.Id, Assert.Single(claimed).JobId);
        var stale = await store.GetAsync(older.Id);
        Assert.Equal((JobStatus.Cancelled, $"superseded by job {newer.Id}"), (stale!.Status, stale.Error));
    }

    [Fact]
    public async Task ClaimAsync_NewerJobClaimedBeforeTheExpiredOlderOne_OlderHolderCannotRenewOrComplete()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var older = (await store.CreateAsync([Request("a")]))[0];
        var hung = Assert.Single(await store.ClaimAsync(Claim("hung")));
        var newer = (await store.CreateAsync([Request("a", priority: 5)]))[0];
        Time.Advance(Lease);

        // The newer job comes first in claim order and fills the claim, so the older one is never walked.
        Assert.Equal(newer.Id, Assert.Single(await store.ClaimAsync(Claim("w2"))).JobId);

        Assert.False((await store.RenewLeaseAsync(hung, Lease)).Renewed);
        Assert.False(await store.CompleteAsync(hung));
        var stale = await store.GetAsync(older.Id);
        Assert.Equal((JobStatus.Cancelled, $"superseded by job {newer.Id}"), (stale!.Status, stale.Error));
    }

    [Fact]
    public async Task ClaimAsync_RetriedOldJobAndNewerJob_OnlyNewerRuns()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var old = (await store.CreateAsync([Request("a")]))[0];
        await store.FailAsync(Assert.Single(await store.ClaimAsync(Claim("w1"))), new JobFailure("bad", Retryable: false));
        var newer = (await store.CreateAsync([Request("a")]))[0];
        Assert.True(await store.RetryAsync(old.Id));

        var claimed = await store.ClaimAsync(Claim("w1", 10));

        Assert.Equal(newer.Id, Assert.Single(claimed).JobId);
        Assert.Equal($"superseded by job {newer.Id}", (await store.GetAsync(old.Id))!.Error);
    }

    [Fact]
    public async Task CancelAsync_EachState_ReportsWhatHappened()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var jobs = await store.CreateAsync([Request("pending"), Request("running"), Request("done")]);
        var leases = await store.ClaimAsync(Claim("w1", 3));
        await store.ReleaseAsync(leases.Single(l => l.JobId == jobs[0].Id));
        await store.CompleteAsync(leases.Single(l => l.JobId == jobs[2].Id));

        Assert.Equal(JobCancelResult.Cancelled, await store.CancelAsync(jobs[0].Id));
        Assert.Equal(JobCancelResult.CancelRequested, await store.CancelAsync(jobs[1].Id));
        Assert.Equal(JobCancelResult.AlreadyFinished, await store.CancelAsync(jobs[2].Id));
        Assert.Equal(JobCancelResult.AlreadyFinished, await store.CancelAsync(jobs[0].Id));
        Assert.Equal(JobCancelResult.NotFound, await store.CancelAsync("missing"));

        Assert.Equal(JobStatus.Cancelled, (await store.GetAsync(jobs[0].Id))!.Status);
        var running = await store.GetAsync(jobs[1].Id);
        Assert.Equal((JobStatus.Processing, true), (running!.Status, running.CancelRequested));
    }

    [Fact]
    public async Task CancelAsync_RunningJob_SeenByRenewalThenConfirmed()
    {
        var (store, lease) = await ClaimedJobAsync();
        Assert.False((await store.RenewLeaseAsync(lease, Lease)).CancelRequested);

        await store.CancelAsync(lease.JobId);
        var renewal = await store.RenewLeaseAsync(lease, Lease);
        var confirmed = await store.ConfirmCancelledAsync(lease);

        Assert.True(renewal.Renewed);
        Assert.True(renewal.CancelRequested);
        Assert.True(confirmed);
        var job = await store.GetAsync(lease.JobId);
        Assert.Equal(JobStatus.Cancelled, job!.Status);
        Assert.NotNull(job.FinishedAt);
    }

    [Fact]
    public async Task CancelAsync_RunningJobWhoseWorkerDied_CancelledInsteadOfReclaimed()
    {
        var (store, lease) = await ClaimedJobAsync();
        await store.CancelAsync(lease.JobId);
        Time.Advance(Lease);

        Assert.Empty(await store.ClaimAsync(Claim("w2")));
        Assert.Equal(JobStatus.Cancelled, (await store.GetAsync(lease.JobId))!.Status);
    }

    [Fact]
    public async Task ReleaseAsync_HeldLease_BackToPendingWithoutCountingTheAttempt()
    {
        var (store, lease) = await ClaimedJobAsync();
        await store.SaveCheckpointAsync(lease, "step 2");

        Assert.True(await store.ReleaseAsync(lease));

        var released = await store.GetAsync(lease.JobId);
        Assert.Equal((JobStatus.Pending, 0, "step 2"), (released!.Status, released.Attempts, released.Checkpoint));
        var again = Assert.Single(await store.ClaimAsync(Claim("w2")));
        Assert.Equal((1, "step 2"), (again.Job.Attempts, again.Job.Checkpoint));
    }

    [Fact]
    public async Task ReleaseAsync_CancelRequested_JobCancelledNotGivenBack()
    {
        var (store, lease) = await ClaimedJobAsync();
        await store.CancelAsync(lease.JobId);

        Assert.True(await store.ReleaseAsync(lease));

        Assert.Equal(JobStatus.Cancelled, (await store.GetAsync(lease.JobId))!.Status);
    }

    [Fact]
    public async Task RetryAsync_FailedOrCancelled_PendingWithFreshAttempts()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 1 });
        var jobs = await store.CreateAsync([Request("failed"), Request("cancelled"), Request("completed"), Request("pending")]);
        var leases = await store.ClaimAsync(Claim("w1", 3));
        await store.FailAsync(leases.Single(l => l.JobId == jobs[0].Id), new JobFailure("broken", Retryable: true));
        await store.CompleteAsync(leases.Single(l => l.JobId == jobs[2].Id));
        await store.CancelAsync(jobs[1].Id);
        await store.ConfirmCancelledAsync(leases.Single(l => l.JobId == jobs[1].Id));

        Assert.True(await store.RetryAsync(jobs[0].Id));
        Assert.True(await store.RetryAsync(jobs[1].Id));
        Assert.False(await store.RetryAsync(jobs[2].Id));
        Assert.False(await store.RetryAsync(jobs[3].Id));

        var retried = await store.GetAsync(jobs[0].Id);
        Assert.Equal((JobStatus.Pending, 0, null), (retried!.Status, retried.Attempts, retried.FinishedAt));
        Assert.Equal("broken", retried.Error);
        var claimed = await store.ClaimAsync(Claim("w1", 10));
        Assert.Equal(3, claimed.Count);
        Assert.All(claimed, l => Assert.Equal(1, l.Job.Attempts));
    }

    [Fact]
    public async Task PurgeAsync_OldFinishedJobs_DeletedOthersKept()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var old = await CreateFinishedJobsAsync(store);
        var running = (await store.CreateAsync([Request("running")]))[0];
        await store.ClaimAsync(new JobClaimRequest { Owner = "w1", LeaseDuration = TimeSpan.FromDays(3) });
        var pending = (await store.CreateAsync([Request("pending")]))[0];
        Time.Advance(TimeSpan.FromDays(2));
        var recent = (await store.CreateAsync([Request("recent", priority: 10)]))[0];
        await store.CompleteAsync(Assert.Single(await store.ClaimAsync(Claim("w1"))));

        var purged = await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(1));

        Assert.Equal(3, purged);
        Assert.Null(await store.GetAsync(old[0].Id));
        Assert.Null(await store.GetAsync(old[1].Id));
        Assert.Null(await store.GetAsync(old[2].Id));
        Assert.Equal(JobStatus.Processing, (await store.GetAsync(running.Id))!.Status);
        Assert.Equal(JobStatus.Pending, (await store.GetAsync(pending.Id))!.Status);
        Assert.Equal(JobStatus.Completed, (await store.GetAsync(recent.Id))!.Status);
    }

    [Fact]
    public async Task ListAsync_Filters_NewestFirstUpToLimit()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var jobs = await store.CreateAsync(
        [
            Request("a", batchId: "b1"),
            Request("b", batchId: "b1"),
            Request("c", batchId: "b2"),
            Request("d"),
        ]);
        await store.CompleteAsync(Assert.Single(await store.ClaimAsync(Claim("w1"))));

        Assert.Equal([jobs[3].Id, jobs[2].Id, jobs[1].Id, jobs[0].Id], (await store.ListAsync(new JobQuery())).Select(j => j.Id));
        Assert.Equal([jobs[1].Id, jobs[0].Id], (await store.ListAsync(new JobQuery { BatchId = "b1" })).Select(j => j.Id));
        Assert.Equal([jobs[0].Id], (await store.ListAsync(new JobQuery { Status = JobStatus.Completed })).Select(j => j.Id));
        Assert.Equal([jobs[1].Id], (await store.ListAsync(new JobQuery { Status = JobStatus.Pending, BatchId = "b1" })).Select(j => j.Id));
        Assert.Equal([jobs[2].Id], (await store.ListAsync(new JobQuery { DocumentId = "c" })).Select(j => j.Id));
        Assert.Equal([jobs[3].Id, jobs[2].Id], (await store.ListAsync(new JobQuery { Limit = 2 })).Select(j => j.Id));
        Assert.Empty(await store.ListAsync(new JobQuery { DocumentId = "missing" }));
    }

    [Fact]
    public async Task GetCountsAsync_ByBatch_CountsEachState()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        await store.CreateAsync([Request("a", batchId: "b1"), Request("b", batchId: "b1"), Request("c", batchId: "b1"), Request("d")]);
        var leases = (await store.ClaimAsync(Claim("w1", 2))).ToDictionary(l => l.Job.DocumentId);
        await store.CompleteAsync(leases["a"]);
        await store.CancelAsync((await store.ListAsync(new JobQuery { DocumentId = "d" }))[0].Id);

        var batch = await store.GetCountsAsync("b1");
        var all = await store.GetCountsAsync();

        Assert.Equal(new JobStatusCounts(Pending: 1, Processing: 1, Completed: 1, Failed: 0, Cancelled: 0), batch);
        Assert.Equal(new JobStatusCounts(Pending: 1, Processing: 1, Completed: 1, Failed: 0, Cancelled: 1), all);
        Assert.Equal(default, await store.GetCountsAsync("no-such-batch"));
    }

    [Fact]
    public async Task ListInterruptedAsync_ExpiredLeasesOnly_OldestFirst()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        var jobs = await store.CreateAsync([Request("a"), Request("b"), Request("c")]);
        var shortLeases = await store.ClaimAsync(new JobClaimRequest { Owner = "w1", MaxJobs = 2, LeaseDuration = TimeSpan.FromSeconds(10) });
        await store.ClaimAsync(new JobClaimRequest { Owner = "w2", MaxJobs = 1, LeaseDuration = TimeSpan.FromMinutes(5) });
        Time.Advance(TimeSpan.FromSeconds(10));

        var interrupted = await store.ListInterruptedAsync();

        Assert.Equal([jobs[0].Id, jobs[1].Id], interrupted.Select(j => j.Id));
        Assert.All(interrupted, j => Assert.Equal(JobStatus.Processing, j.Status));
        Assert.Equal(shortLeases.Select(l => l.JobId), interrupted.Select(j => j.Id));
    }

    [Fact]
    public async Task ExpireLeasesAsync_DeadOwner_ItsJobsClaimableAtOnce()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        await store.CreateAsync([Request("a"), Request("b"), Request("c")]);
        var dead = await store.ClaimAsync(Claim("dead", 2));
        var alive = await store.ClaimAsync(Claim("alive", 1));

        Assert.Equal(2, await store.ExpireLeasesAsync("dead"));
        Assert.Equal(0, await store.ExpireLeasesAsync("dead"));
        Assert.Equal(0, await store.ExpireLeasesAsync("nobody"));

        var resumed = await store.ClaimAsync(Claim("w3", 10));
        Assert.Equal(dead.Select(l => l.JobId).Order(), resumed.Select(l => l.JobId).Order());
        Assert.True((await store.RenewLeaseAsync(alive[0], Lease)).Renewed);
    }

    [Fact]
    public async Task SaveCheckpointAsync_ThenReclaim_NextAttemptSeesCheckpointAndProgress()
    {
        var (store, lease) = await ClaimedJobAsync();

        Assert.True(await store.SaveCheckpointAsync(lease, """{"step":"embedded"}"""));
        Assert.True(await store.ReportProgressAsync(lease, 0.4));
        Time.Advance(Lease);
        var resumed = Assert.Single(await store.ClaimAsync(Claim("w2")));

        Assert.Equal("""{"step":"embedded"}""", resumed.Job.Checkpoint);
        Assert.Equal(0.4, resumed.Job.Progress, 6);
        Assert.Equal("""{"step":"embedded"}""", (await store.GetAsync(lease.JobId))!.Checkpoint);
    }

    [Fact]
    public async Task CompleteAsync_HeldLease_RecordsResultAndFinishTime()
    {
        var (store, lease) = await ClaimedJobAsync();
        Time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(await store.CompleteAsync(lease, "3 chunks"));

        var job = await store.GetAsync(lease.JobId);
        Assert.Equal((JobStatus.Completed, "3 chunks", 1.0, Time.GetUtcNow()), (job!.Status, job.Result, job.Progress, job.FinishedAt));
        Assert.Equal(Time.GetUtcNow(), job.UpdatedAt);
    }

    /// <summary>A fresh store with default settings holding one job (document "a") claimed by "w1".</summary>
    protected async Task<(IJobStore Store, JobLease Lease)> ClaimedJobAsync()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());
        await store.CreateAsync([Request("a")]);
        return (store, Assert.Single(await store.ClaimAsync(Claim("w1"))));
    }

    protected static JobRequest Request(string documentId, int? priority = null, string? batchId = null, JobType type = JobType.Add) =>
        new() { DocumentId = documentId, Source = $"/docs/{documentId}.txt", Priority = priority, BatchId = batchId, Type = type };

    protected static JobClaimRequest Claim(string owner, int maxJobs = 1) => new() { Owner = owner, MaxJobs = maxJobs, LeaseDuration = Lease };
}
