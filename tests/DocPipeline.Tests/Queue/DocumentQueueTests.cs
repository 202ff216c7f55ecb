using System.Collections.Concurrent;
using DocPipeline.Jobs;
using DocPipeline.Queue;

namespace DocPipeline.Tests.Queue;

public sealed class DocumentQueueTests : IDisposable
{
    private static readonly TimeSpan Patience = QueueHarness.Patience;
    private readonly QueueHarness _harness;

    public DocumentQueueTests()
    {
        _harness = new QueueHarness(q =>
        {
            q.MaxConcurrent = 4;
            q.LeaseDuration = TimeSpan.FromSeconds(30);
            q.HeartbeatInterval = TimeSpan.FromSeconds(10);
            q.PollInterval = TimeSpan.FromSeconds(1);
            q.RetryBaseDelay = TimeSpan.FromSeconds(10);
            q.MaxAttempts = 3;
        });
    }

    private SqliteJobStore Store => _harness.Store;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task RunUntilIdleAsync_ManyJobs_ConcurrencyReachesButNeverExceedsMax()
    {
        int running = 0, peak = 0;
        var fourRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            if (now == 4)
            {
                fourRunning.TrySetResult();
            }

            // The first jobs hold their slots until four run at once, so the peak must reach the limit.
            await fourRunning.Task.WaitAsync(ct);
            await Task.Yield();
            Interlocked.Decrement(ref running);
            return null;
        });
        await queue.EnqueueAsync(QueueHarness.Requests(60));

        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(4, peak);
        Assert.Equal(new JobStatusCounts(0, 0, 60, 0, 0), await queue.GetCountsAsync());
        Assert.Equal(0, queue.RunningCount);
    }

    [Fact]
    public async Task ReleaseProcessingSlot_JobsWaitingForCommits_MoreJobsRunButProcessingNeverExceedsMax()
    {
        int processing = 0, peakProcessing = 0, waiting = 0;
        var twelveWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (context, ct) =>
        {
            InterlockedMax(ref peakProcessing, Interlocked.Increment(ref processing));
            await Task.Yield();
            Interlocked.Decrement(ref processing);
            context.ReleaseProcessingSlot(1024);

            // Waiting jobs hold no slot: three times MaxConcurrent of them must be able to wait at once.
            if (Interlocked.Increment(ref waiting) == 12)
            {
                twelveWaiting.TrySetResult();
            }

            await twelveWaiting.Task.WaitAsync(ct);
            return null;
        });
        await queue.EnqueueAsync(QueueHarness.Requests(60));

        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.True(twelveWaiting.Task.IsCompletedSuccessfully);
        Assert.InRange(peakProcessing, 1, 4);
        Assert.Equal(new JobStatusCounts(0, 0, 60, 0, 0), await queue.GetCountsAsync());
        Assert.Equal(0, queue.RunningCount);
        Assert.Equal(0, queue.ProcessingCount);
    }

    [Fact]
    public async Task ReleaseProcessingSlot_WaitingLimitReached_JobKeepsItsSlotAndNoMoreStart()
    {
        var harness = new QueueHarness(q => q.MaxConcurrent = 1);
        try
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var queue = harness.CreateQueue(async (context, ct) =>
            {
                context.ReleaseProcessingSlot(1024);
                await gate.Task.WaitAsync(ct);
                return null;
            });
            await queue.EnqueueAsync(QueueHarness.Requests(DocumentQueue.WaitingJobsPerSlot + 10));
            var limit = 1 + DocumentQueue.WaitingJobsPerSlot;
            var run = queue.RunUntilIdleAsync(CancellationToken.None);

            // The loop waits for work only once nothing more may start: the waiting jobs and one holding the slot.
            await queue.WaitingForWorkAsync(() => queue.RunningCount == limit).WaitAsync(Patience);

            Assert.Equal(limit, queue.RunningCount);
            Assert.Equal(1, queue.ProcessingCount);
            gate.SetResult();
            await run.WaitAsync(Patience);
            Assert.Equal(new JobStatusCounts(0, 0, DocumentQueue.WaitingJobsPerSlot + 10, 0, 0), await queue.GetCountsAsync());
        }
        finally
        {
            harness.Dispose();
        }
    }

    [Fact]
    public async Task ReleaseProcessingSlot_WaitingJobsWouldHoldTooMuchMemory_JobKeepsItsSlot()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (context, ct) =>
        {
            // Each job holds more than half the budget: only the first to wait fits (the first always does).
            context.ReleaseProcessingSlot((DocumentQueue.WaitingBytesBudget / 2) + 1);
            await gate.Task.WaitAsync(ct);
            return null;
        });
        await queue.EnqueueAsync(QueueHarness.Requests(10));
        var run = queue.RunUntilIdleAsync(CancellationToken.None);

        await queue.WaitingForWorkAsync(() => queue.RunningCount == 5).WaitAsync(Patience);

        Assert.Equal(5, queue.RunningCount);
        Assert.Equal(4, queue.ProcessingCount);
        gate.SetResult();
        await run.WaitAsync(Patience);
        Assert.Equal(new JobStatusCounts(0, 0, 10, 0, 0), await queue.GetCountsAsync());
    }

    [Fact]
    public async Task EnqueueAsync_WhileRunIsWaiting_WakesItWithoutWaitingForThePoll()
    {
        var handled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue((context, _) =>
        {
            handled.TrySetResult(context.Job.DocumentId);
            return Task.FromResult<string?>("ok");
        });
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await queue.WaitingForWorkAsync(() => true).WaitAsync(Patience);

        await queue.EnqueueAsync([QueueHarness.Request("a")]);

        // Fake time never moves in this test, so only the wake-up can have started the job.
        Assert.Equal("a", await handled.Task.WaitAsync(Patience));
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task WaitForIdleAsync_LastRunningJobFinishes_ReturnsWithoutWaitingForTheTimeout()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (_, ct) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            return null;
        });
        await queue.EnqueueAsync([QueueHarness.Request("a")]);
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);

        var idle = queue.WaitForIdleAsync(TimeSpan.FromHours(1), CancellationToken.None);
        Assert.False(idle.IsCompleted);
        release.SetResult();

        // Fake time never moves in this test, so only the job finishing can end the wait.
        await idle.WaitAsync(Patience);
        Assert.Equal(0, queue.RunningCount);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task Pause_NothingNewStarts_ResumeRunsTheWaitingJobs()
    {
        var handled = new ConcurrentBag<string>();
        var bothDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue((context, _) =>
        {
            handled.Add(context.Job.DocumentId);
            if (handled.Count == 2)
            {
                bothDone.TrySetResult();
            }

            return Task.FromResult<string?>(null);
        });
        using var stop = new CancellationTokenSource();
        await queue.PauseAsync();
        await queue.EnqueueAsync([QueueHarness.Request("a"), QueueHarness.Request("b")]);
        var run = queue.RunAsync(stop.Token);

        await queue.WaitingForWorkAsync(() => true).WaitAsync(Patience);

        Assert.True(queue.IsPaused);
        Assert.Empty(handled);
        Assert.Equal(2, (await queue.GetCountsAsync()).Pending);

        await queue.ResumeAsync();
        await bothDone.Task.WaitAsync(Patience);
        Assert.False(queue.IsPaused);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
        Assert.Equal(2, (await queue.GetCountsAsync()).Completed);
    }

    [Fact]
    public async Task Pause_WhileAJobRuns_ItFinishesAndTheNextDoesNotStart()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentBag<string>();
        var queue = _harness.CreateQueue(async (context, _) =>
        {
            handled.Add(context.Job.DocumentId);
            started.TrySetResult();
            await release.Task;
            return null;
        });
        using var stop = new CancellationTokenSource();
        var first = (await queue.EnqueueAsync([QueueHarness.Request("first")]))[0];
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);

        await queue.PauseAsync();
        var second = (await queue.EnqueueAsync([QueueHarness.Request("second")]))[0];
        release.SetResult();
        await queue.WaitingForWorkAsync(() => queue.RunningCount == 0).WaitAsync(Patience);

        Assert.Equal(JobStatus.Completed, (await Store.GetAsync(first.Id))!.Status);
        Assert.Equal(JobStatus.Pending, (await Store.GetAsync(second.Id))!.Status);
        Assert.Equal(["first"], handled);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task CancelAsync_PendingJob_CancelledAndNeverRun()
    {
        var calls = 0;
        var queue = _harness.CreateQueue((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult<string?>(null);
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];

        Assert.Equal(JobCancelResult.Cancelled, await queue.CancelAsync(job.Id));
        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(0, calls);
        Assert.Equal(JobStatus.Cancelled, (await Store.GetAsync(job.Id))!.Status);
        Assert.Equal(JobCancelResult.NotFound, await queue.CancelAsync("missing"));
    }

    [Fact]
    public async Task CancelAsync_RunningJob_TokenFiresAndJobIsCancelled()
    {
        var (queue, job, run) = await RunJobThatWaitsForItsTokenAsync();

        Assert.Equal(JobCancelResult.CancelRequested, await queue.CancelAsync(job.Id));
        await run.WaitAsync(Patience);

        var cancelled = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Cancelled, null, 1), (cancelled!.Status, cancelled.Result, cancelled.Attempts));
    }

    [Fact]
    public async Task Heartbeat_CancelRequestedThroughTheStore_RunningJobsTokenFires()
    {
        var (queue, job, run) = await RunJobThatWaitsForItsTokenAsync();

        // Another process asks to cancel: this queue only learns it from its next heartbeat.
        Assert.Equal(JobCancelResult.CancelRequested, await Store.CancelAsync(job.Id));
        _harness.Time.Advance(_harness.Options.Queue.HeartbeatInterval);
        await run.WaitAsync(Patience);

        Assert.Equal(JobStatus.Cancelled, (await Store.GetAsync(job.Id))!.Status);
    }

    [Fact]
    public async Task RunAsync_StoppedWhileJobRuns_JobReleasedWithoutCountingTheAttempt()
    {
        _harness.Options.Queue.ShutdownTimeout = TimeSpan.Zero;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawCancellation = false;
        var queue = _harness.CreateQueue(async (context, ct) =>
        {
            await context.SaveCheckpointAsync("half way", ct);
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                sawCancellation = true;
                throw;
            }

            return "never";
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);

        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.True(sawCancellation);
        var released = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Pending, 0, "half way"), (released!.Status, released.Attempts, released.Checkpoint));
        Assert.Equal(0, queue.RunningCount);
    }

    [Fact]
    public async Task RunAsync_StoppedWhileJobRuns_JobFinishingWithinGraceIsCompleted()
    {
        _harness.Options.Queue.ShutdownTimeout = TimeSpan.FromSeconds(10);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
            return "finished in time";
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);

        await stop.CancelAsync();
        Assert.False(run.IsCompleted);
        release.SetResult();
        await run.WaitAsync(Patience);

        var completed = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Completed, "finished in time"), (completed!.Status, completed.Result));
    }

    [Fact]
    public async Task RunAsync_StoppedWhileJobRuns_TokenFiresOnlyWhenTheGracePeriodEnds()
    {
        // 12 s: no other timer of the queue (poll 1 s, heartbeat 10 s) is due in that, so its arming is the grace period.
        _harness.Options.Queue.ShutdownTimeout = TimeSpan.FromSeconds(12);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelledAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (_, ct) =>
        {
            using var registration = ct.Register(() => cancelledAt.TrySetResult(_harness.Time.GetUtcNow()));
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);
        var stoppedAt = _harness.Time.GetUtcNow();

        var graceStarted = _harness.Time.TimerArmedAsync(_harness.Options.Queue.ShutdownTimeout);
        await stop.CancelAsync();
        await graceStarted.WaitAsync(Patience);
        _harness.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(cancelledAt.Task.IsCompleted);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(stoppedAt + TimeSpan.FromSeconds(12), await cancelledAt.Task.WaitAsync(Patience));
        await run.WaitAsync(Patience);
        var released = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Pending, 0), (released!.Status, released.Attempts));
    }

    [Fact]
    public async Task RunAsync_JobAbandonedByCrashedWorker_ResumedAfterLeaseExpires()
    {
        var job = (await Store.CreateAsync([QueueHarness.Request("a")]))[0];
        await Store.ClaimAsync(new JobClaimRequest { Owner = "other-machine/4242/1/crashed", LeaseDuration = TimeSpan.FromSeconds(30) });
        var handled = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue((context, _) =>
        {
            handled.TrySetResult(context.Job.Attempts);
            return Task.FromResult<string?>("resumed");
        });
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await queue.WaitingForWorkAsync(() => true).WaitAsync(Patience);
        Assert.False(handled.Task.IsCompleted);

        _harness.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(2, await handled.Task.WaitAsync(Patience));
        await queue.WaitingForWorkAsync(() => queue.RunningCount == 0).WaitAsync(Patience);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
        var resumed = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Completed, queue.Owner), (resumed!.Status, resumed.LeaseOwner));
    }

    public static TheoryData<string> DeadLocalOwners => new()
    {
        // No process has this id.
        WorkerIdentity.Format(Environment.MachineName, int.MaxValue, 638_000_000_000_000_000, "gone"),

        // This test process has the pid, but it started at another time: the pid was recycled.
        WorkerIdentity.Format(Environment.MachineName, Environment.ProcessId, 600_000_000_000_000_000, "recycled"),
    };

    [Theory]
    [MemberData(nameof(DeadLocalOwners))]
    public async Task RunUntilIdleAsync_JobHeldByDeadLocalWorker_ResumedWithoutWaitingForTheLease(string deadOwner)
    {
        var job = (await Store.CreateAsync([QueueHarness.Request("a")]))[0];
        await Store.ClaimAsync(new JobClaimRequest { Owner = deadOwner, LeaseDuration = TimeSpan.FromMinutes(10) });
        var queue = _harness.CreateQueue((_, _) => Task.FromResult<string?>("resumed"));

        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        var resumed = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Completed, 2, "resumed"), (resumed!.Status, resumed.Attempts, resumed.Result));
    }

    [Fact]
    public async Task RunUntilIdleAsync_JobHeldByLiveLocalWorker_LeftAlone()
    {
        var job = (await Store.CreateAsync([QueueHarness.Request("a")]))[0];
        var liveOwner = WorkerIdentity.Create();
        await Store.ClaimAsync(new JobClaimRequest { Owner = liveOwner, LeaseDuration = TimeSpan.FromMinutes(10) });
        var calls = 0;
        var queue = _harness.CreateQueue((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult<string?>(null);
        });

        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(0, calls);
        var held = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Processing, liveOwner), (held!.Status, held.LeaseOwner));
    }

    [Fact]
    public async Task RunUntilIdleAsync_FailingJob_RetriedWithBackoffThenCompletes()
    {
        var attemptTimes = new ConcurrentQueue<DateTimeOffset>();
        var queue = _harness.CreateQueue((context, _) =>
        {
            attemptTimes.Enqueue(context.Job.UpdatedAt); // the claim time
            return context.Job.Attempts < 3
                ? throw new IOException($"index unavailable (attempt {context.Job.Attempts})")
                : Task.FromResult<string?>("third time lucky");
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];

        var run = queue.RunUntilIdleAsync(CancellationToken.None);
        await AdvanceUntilCompletedAsync(queue, run, TimeSpan.FromSeconds(1));

        // Base delay 10 s, doubled per attempt, no jitter; the poll interval (1 s) adds at most one poll.
        var times = attemptTimes.ToArray();
        Assert.Equal(3, times.Length);
        Assert.InRange(times[1] - times[0], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11));
        Assert.InRange(times[2] - times[1], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(21));
        var completed = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Completed, 3, "third time lucky"), (completed!.Status, completed.Attempts, completed.Result));
    }

    [Fact]
    public async Task RunUntilIdleAsync_AlwaysFailing_FailedAfterMaxAttemptsWithLastError()
    {
        var queue = _harness.CreateQueue((context, _) => throw new InvalidOperationException($"attempt {context.Job.Attempts} broke"));
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];

        var run = queue.RunUntilIdleAsync(CancellationToken.None);
        await AdvanceUntilCompletedAsync(queue, run, TimeSpan.FromSeconds(5));

        var failed = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Failed, 3), (failed!.Status, failed.Attempts));
        Assert.Equal("InvalidOperationException: attempt 3 broke", failed.Error);
    }

    [Fact]
    public async Task RunUntilIdleAsync_PermanentFailure_FailsAtOnceWithoutRetry()
    {
        var calls = 0;
        var queue = _harness.CreateQueue((_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new PermanentJobFailureException("not a PDF: the file starts with 'PK'");
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];

        // Fake time never moves: a scheduled retry would keep the queue from becoming idle.
        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(1, calls);
        var failed = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Failed, 1, "not a PDF: the file starts with 'PK'"), (failed!.Status, failed.Attempts, failed.Error));
    }

    [Fact]
    public async Task Checkpoint_SavedBeforeAFailure_NextAttemptResumesFromIt()
    {
        var seen = new ConcurrentQueue<string?>();
        var queue = _harness.CreateQueue(async (context, ct) =>
        {
            seen.Enqueue(context.Checkpoint);
            if (context.Checkpoint is null)
            {
                await context.SaveCheckpointAsync("chunks embedded", ct);
                Assert.Equal("chunks embedded", context.Checkpoint);
                throw new IOException("keyword index down");
            }

            return "done";
        });
        await queue.EnqueueAsync([QueueHarness.Request("a")]);

        var run = queue.RunUntilIdleAsync(CancellationToken.None);
        await AdvanceUntilCompletedAsync(queue, run, TimeSpan.FromSeconds(5));

        Assert.Equal([null, "chunks embedded"], seen);
    }

    [Fact]
    public async Task Heartbeat_LeaseTakenOver_TokenFiresCheckpointThrowsAndResultIsDropped()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var checkpointError = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (context, ct) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            try
            {
                await context.SaveCheckpointAsync("too late", CancellationToken.None);
                checkpointError.TrySetResult(null);
            }
            catch (JobLeaseLostException ex)
            {
                checkpointError.TrySetResult(ex);
            }

            return "late result";
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);

        // The queue looks dead to the store (for example it was paused by the OS past its lease) and another worker takes over.
        await Store.ExpireLeasesAsync(queue.Owner);
        var thief = Assert.Single(await Store.ClaimAsync(new JobClaimRequest { Owner = "thief", LeaseDuration = TimeSpan.FromMinutes(5) }));
        _harness.Time.Advance(_harness.Options.Queue.HeartbeatInterval);

        Assert.IsType<JobLeaseLostException>(await checkpointError.Task.WaitAsync(Patience));
        await queue.WaitingForWorkAsync(() => queue.RunningCount == 0).WaitAsync(Patience);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
        var current = await Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Processing, "thief", null, null), (current!.Status, current.LeaseOwner, current.Result, current.Checkpoint));
        Assert.True(await Store.CompleteAsync(thief, "thief's result"));
    }

    [Fact]
    public async Task RunUntilIdleAsync_FinishedJobsPastRetention_PurgedAtStart()
    {
        _harness.Options.Queue.JobRetentionDays = 7;
        var old = (await Store.CreateAsync([QueueHarness.Request("old")]))[0];
        await Store.CompleteAsync(Assert.Single(await Store.ClaimAsync(new JobClaimRequest { Owner = "w", LeaseDuration = TimeSpan.FromMinutes(1) })));
        _harness.Time.Advance(TimeSpan.FromDays(6));
        var recent = (await Store.CreateAsync([QueueHarness.Request("recent")]))[0];
        await Store.CompleteAsync(Assert.Single(await Store.ClaimAsync(new JobClaimRequest { Owner = "w", LeaseDuration = TimeSpan.FromMinutes(1) })));
        _harness.Time.Advance(TimeSpan.FromDays(2));
        var queue = _harness.CreateQueue((_, _) => Task.FromResult<string?>(null));

        await queue.RunUntilIdleAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Null(await Store.GetAsync(old.Id));
        Assert.NotNull(await Store.GetAsync(recent.Id));
    }

    [Fact]
    public async Task RunAsync_CalledWhileRunning_Throws()
    {
        var queue = _harness.CreateQueue((_, _) => Task.FromResult<string?>(null));
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.RunUntilIdleAsync(CancellationToken.None));

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    /// <summary>Starts <see cref="DocumentQueue.RunUntilIdleAsync"/> on one job whose handler waits for its token to fire.</summary>
    private async Task<(DocumentQueue Queue, JobRecord Job, Task Run)> RunJobThatWaitsForItsTokenAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];
        var run = queue.RunUntilIdleAsync(CancellationToken.None);
        await started.Task.WaitAsync(Patience);
        return (queue, job, run);
    }

    /// <summary>
    /// Moves fake time by <paramref name="step"/> each time the queue waits with no job running, until
    /// <paramref name="run"/> ends. Time stands still while a job runs, so its outcome is recorded at its claim time.
    /// </summary>
    private async Task AdvanceUntilCompletedAsync(DocumentQueue queue, Task run, TimeSpan step)
    {
        for (var i = 0; i < 10_000 && !run.IsCompleted; i++)
        {
            await Task.WhenAny(queue.WaitingForWorkAsync(() => queue.RunningCount == 0), run).WaitAsync(Patience);
            if (!run.IsCompleted)
            {
                _harness.Time.Advance(step);
            }
        }

        await run.WaitAsync(Patience);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
