using System.Collections.Concurrent;
using System.Diagnostics;
using DocPipeline.Configuration;
using DocPipeline.Diagnostics;
using DocPipeline.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Queue;

/// <summary>
/// Runs jobs from an <see cref="IJobStore"/> through the <see cref="IJobHandler"/>: claims them in priority order,
/// at most <see cref="QueueOptions.MaxConcurrent"/> processing at a time (plus the jobs that gave back their slot to
/// wait for commits, see <see cref="JobContext.ReleaseProcessingSlot"/>), keeps their leases alive with one heartbeat loop, and
/// records each outcome.
/// </summary>
/// <remarks>
/// <para>The loop claims up to min(free slots, <see cref="QueueOptions.BatchSize"/>) jobs in one store call. It wakes
/// at once when this queue enqueues jobs, a job finishes, or the queue resumes; otherwise it looks again every
/// <see cref="QueueOptions.PollInterval"/>, which is how it sees jobs other processes created and retries that
/// became due.</para>
/// <para>Outcomes: a returned result completes the job; <see cref="PermanentJobFailureException"/> fails it at once;
/// <see cref="OperationCanceledException"/> after a cancel request confirms the cancellation; a job stopped by
/// shutdown is given back without counting the attempt; any other exception fails the attempt, which is retried
/// with backoff while attempts are left. When the lease was lost the outcome is dropped: another worker owns the
/// job now.</para>
/// </remarks>
internal sealed partial class DocumentQueue : IDocumentQueue
{
    /// <summary>How many jobs that only wait for their writes to become durable the queue allows per processing slot.</summary>
    internal const int WaitingJobsPerSlot = 32;

    /// <summary>The most memory (as the jobs estimate it) that jobs waiting for their writes may hold together.</summary>
    internal const long WaitingBytesBudget = 256L * 1024 * 1024;

    private static readonly TimeSpan PurgeInterval = TimeSpan.FromDays(1);

    private readonly IJobStore _store;
    private readonly IJobHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly AsyncSignal _wake = new();
    private readonly AsyncSignal _idle = new();
    private readonly int _maxConcurrent;
    private readonly int _maxWaiting;
    private readonly int _batchSize;
    private readonly TimeSpan _leaseDuration;
    private readonly TimeSpan _heartbeatInterval;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _shutdownTimeout;
    private readonly int _retentionDays;
    private readonly List<(Func<bool> Condition, TaskCompletionSource Reached)> _waitObservers = [];
    private DateTimeOffset _nextPurgeAt = DateTimeOffset.MinValue;
    private int _active;
    private int _waiting;
    private long _waitingBytes;

    public DocumentQueue(
        IJobStore store,
        IJobHandler handler,
        IOptions<DocPipelineOptions> options,
        TimeProvider time,
        ILogger<DocumentQueue>? logger = null,
        Monitoring.WorkerHeartbeatWriter? heartbeats = null)
        : this(store, handler, options, time, logger, maxConcurrent: null)
    {
        Heartbeats = heartbeats;
    }

    /// <summary>A queue for one ingestion run, whose concurrency may differ from the configured one.</summary>
    internal DocumentQueue(
        IJobStore store,
        IJobHandler handler,
        IOptions<DocPipelineOptions> options,
        TimeProvider time,
        ILogger<DocumentQueue>? logger,
        int? maxConcurrent)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _handler = handler;
        _time = time;
        _logger = logger ?? NullLogger<DocumentQueue>.Instance;
        var queue = options.Value.Queue;
        _maxConcurrent = maxConcurrent ?? queue.MaxConcurrent;
        ArgumentOutOfRangeException.ThrowIfLessThan(_maxConcurrent, 1, nameof(maxConcurrent));
        _maxWaiting = _maxConcurrent * WaitingJobsPerSlot;
        _batchSize = queue.BatchSize;
        _leaseDuration = queue.LeaseDuration;
        _heartbeatInterval = queue.HeartbeatInterval;
        _pollInterval = queue.PollInterval;
        _shutdownTimeout = queue.ShutdownTimeout;
        _retentionDays = queue.JobRetentionDays;
        Owner = WorkerIdentity.Create();
    }

    public int RunningCount => _running.Count;

    /// <summary>Gets how many running jobs hold a processing slot (running jobs minus those that only wait for commits).</summary>
    internal int ProcessingCount => _running.Count - Volatile.Read(ref _waiting);

    /// <summary>Gets the identity this queue claims jobs under (<c>machine/pid/start ticks/random</c>).</summary>
    internal string Owner { get; }

    /// <summary>
    /// For tests that drive fake time: completes the first time the loop is about to wait for work while
    /// <paramref name="condition"/> holds. Wakes the loop once so that a loop already waiting looks again.
    /// </summary>
    internal Task WaitingForWorkAsync(Func<bool> condition)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitObservers)
        {
            _waitObservers.Add((condition, reached));
        }

        _wake.Set();
        return reached.Task;
    }

    public async Task<IReadOnlyList<JobRecord>> EnqueueAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var created = new List<JobRecord>(requests.Count);
        for (var start = 0; start < requests.Count; start += _batchSize)
        {
            var count = Math.Min(_batchSize, requests.Count - start);
            var batch = count == requests.Count ? requests : Enumerable.Range(start, count).Select(i => requests[i]).ToArray();
            created.AddRange(await _store.CreateAsync(batch, cancellationToken).ConfigureAwait(false));
            _wake.Set();
        }

        return created;
    }

    public Task<JobStatusCounts> GetCountsAsync(CancellationToken cancellationToken = default) =>
        _store.GetCountsAsync(null, cancellationToken);

    public async Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var result = await _store.CancelAsync(jobId, cancellationToken).ConfigureAwait(false);

        // Running here: fire its token now rather than at the next heartbeat.
        if (result == JobCancelResult.CancelRequested && _running.TryGetValue(jobId, out var job))
        {
            job.RequestCancel();
        }

        return result;
    }

    public Task RunAsync(CancellationToken cancellationToken) => RunCoreAsync(untilIdle: false, cancellationToken);

    /// <summary>
    /// Waits until a job finishes and leaves no job running here (the moment a batch this queue ran may be over), or
    /// until <paramref name="timeout"/> passes. An idle moment since the last wait ends the wait at once.
    /// </summary>
    internal Task WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _idle.WaitAsync(timeout, _time, null, cancellationToken);

    public Task RunUntilIdleAsync(CancellationToken cancellationToken) => RunCoreAsync(untilIdle: true, cancellationToken);

    private async Task RunCoreAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _active, 1) != 0)
        {
            throw new InvalidOperationException("The document queue is already running; call RunAsync or RunUntilIdleAsync once at a time.");
        }

        using var shutdown = new CancellationTokenSource();
        using var stopHeartbeat = new CancellationTokenSource();
        Task heartbeat = Task.CompletedTask;
        Task pauseWatch = Task.CompletedTask;
        Task workerBeat = Task.CompletedTask;
        try
        {
            QueueLog.RunStarted(_logger, Owner, _maxConcurrent);
            await ResumeDeadLocalWorkersAsync(cancellationToken).ConfigureAwait(false);
            heartbeat = RunHeartbeatAsync(stopHeartbeat.Token);
            pauseWatch = WatchPauseAsync(stopHeartbeat.Token);
            workerBeat = RecordWorkerHeartbeatsAsync(stopHeartbeat.Token);
            while (!cancellationToken.IsCancellationRequested)
            {
                await PurgeIfDueAsync(cancellationToken).ConfigureAwait(false);
                var (requested, claimed) = await ClaimAndStartAsync(shutdown.Token, cancellationToken).ConfigureAwait(false);
                if (claimed > 0 && claimed == requested && ProcessingCount < _maxConcurrent)
                {
                    // More may be due right now; claim again before waiting.
                    continue;
                }

                if (untilIdle && claimed == 0 && _running.IsEmpty && await IsStoreIdleAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                await _wake.WaitAsync(_pollInterval, _time, NotifyWaitObservers, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end of a run.
        }
        finally
        {
            await DrainAsync(shutdown).ConfigureAwait(false);
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            await pauseWatch.ConfigureAwait(false);
            await workerBeat.ConfigureAwait(false);
            Volatile.Write(ref _active, 0);
            QueueLog.RunStopped(_logger, Owner);
        }
    }

    /// <summary>Claims what fits and starts it; returns how many jobs were asked for and how many were claimed.</summary>
    private async Task<(int Requested, int Claimed)> ClaimAndStartAsync(CancellationToken shutdown, CancellationToken cancellationToken)
    {
        var free = _maxConcurrent - ProcessingCount;
        if (IsPaused || free <= 0)
        {
            return (0, 0);
        }

        var requested = Math.Min(free, _batchSize);
        IReadOnlyList<JobLease> leases;
        try
        {
            leases = await _store.ClaimAsync(
                new JobClaimRequest { Owner = Owner, MaxJobs = requested, LeaseDuration = _leaseDuration },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            QueueLog.ClaimFailed(_logger, ex, _pollInterval);
            return (requested, 0);
        }

        foreach (var lease in leases)
        {
            var job = new RunningJob(lease, shutdown);
            _running[job.Id] = job;
            job.Completion = Task.Run(() => RunJobAsync(job), CancellationToken.None);
        }

        return (requested, leases.Count);
    }

    private async Task RunJobAsync(RunningJob job)
    {
        var record = job.Lease.Job;
        var started = _time.GetTimestamp();
        var tags = new TagList { { "docpipeline.job.type", TypeTag(record.Type) } };
        var activity = DocPipelineDiagnostics.ActivitySource.StartActivity("docpipeline.job");
        activity?.SetTag("docpipeline.job.id", record.Id);
        activity?.SetTag("docpipeline.job.type", TypeTag(record.Type));
        activity?.SetTag("docpipeline.document.id", record.DocumentId);
        activity?.SetTag("docpipeline.job.attempt", record.Attempts);
        QueueInstruments.Started.Add(1, tags);
        var outcome = "error";
        try
        {
            outcome = await RunHandlerAsync(job).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The store could not record the outcome. The lease is no longer renewed, so it expires and the job runs again.
            QueueLog.RecordFailed(_logger, ex, job.Id);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        finally
        {
            await job.DisposeAsync().ConfigureAwait(false);
            tags.Add("docpipeline.job.outcome", outcome);
            QueueInstruments.Duration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
            activity?.SetTag("docpipeline.job.outcome", outcome);
            activity?.Dispose();

            // Before the job leaves the running set, so that the processing count is never understated (a claim too many).
            if (job.SlotReleased)
            {
                Interlocked.Add(ref _waitingBytes, -job.HeldBytes);
                Interlocked.Decrement(ref _waiting);
            }

            // Last: once the job leaves the running set, an idle run may return, so everything above must be done.
            _running.TryRemove(job.Id, out _);
            _wake.Set();
            if (_running.IsEmpty)
            {
                _idle.Set();
            }
        }
    }

    /// <summary>Runs the handler and records its outcome in the store; returns the outcome's name.</summary>
    private async Task<string> RunHandlerAsync(RunningJob job)
    {
        var record = job.Lease.Job;
        string? result;
        try
        {
            result = await _handler.HandleAsync(new QueueJobContext(_store, job, ReleaseSlot, _leaseDuration), job.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (job.Token.IsCancellationRequested)
        {
            return await RecordStoppedAsync(job).ConfigureAwait(false);
        }
        catch (JobLeaseLostException)
        {
            return LeaseLost(job);
        }
        catch (PermanentJobFailureException ex)
        {
            return await RecordFailureAsync(job, new JobFailure(ex.Message, Retryable: false)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await RecordFailureAsync(job, new JobFailure(Describe(ex), Retryable: true)).ConfigureAwait(false);
        }

        job.Finishing = true;
        if (job.LeaseLost || !await _store.CompleteAsync(job.Lease, result, CancellationToken.None).ConfigureAwait(false))
        {
            return LeaseLost(job);
        }

        QueueInstruments.Completed.Add(1, new KeyValuePair<string, object?>("docpipeline.job.type", TypeTag(record.Type)));
        QueueLog.JobCompleted(_logger, record.Id, record.Type, record.DocumentId);
        return "completed";
    }

    /// <summary>
    /// Lets <paramref name="job"/> wait for its commits outside the processing slots, so that another job can start,
    /// unless <see cref="WaitingJobsPerSlot"/> × MaxConcurrent jobs already wait or their memory would pass
    /// <see cref="WaitingBytesBudget"/>; then the job keeps its slot.
    /// </summary>
    private void ReleaseSlot(RunningJob job, long heldBytes)
    {
        heldBytes = Math.Max(0, heldBytes);
        while (true)
        {
            var waiting = Volatile.Read(ref _waiting);
            if (job.SlotReleased || waiting >= _maxWaiting)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _waiting, waiting + 1, waiting) == waiting)
            {
                break;
            }
        }

        // The first waiting job is always let through, so that one big document cannot stall the run on its own.
        var bytes = Interlocked.Add(ref _waitingBytes, heldBytes);
        if ((bytes > WaitingBytesBudget && bytes != heldBytes) || !job.ReleaseSlot(heldBytes))
        {
            Interlocked.Add(ref _waitingBytes, -heldBytes);
            Interlocked.Decrement(ref _waiting);
            return;
        }

        _wake.Set();
    }

    /// <summary>The handler stopped because its token fired: lost lease, cancel request, or shutdown.</summary>
    private async Task<string> RecordStoppedAsync(RunningJob job)
    {
        job.Finishing = true;
        if (job.LeaseLost)
        {
            return LeaseLost(job);
        }

        if (job.CancelRequested)
        {
            if (!await _store.ConfirmCancelledAsync(job.Lease, CancellationToken.None).ConfigureAwait(false))
            {
                return LeaseLost(job);
            }

            QueueLog.JobCancelled(_logger, job.Id, job.Lease.Job.DocumentId);
            return "cancelled";
        }

        if (!await _store.ReleaseAsync(job.Lease, CancellationToken.None).ConfigureAwait(false))
        {
            return LeaseLost(job);
        }

        QueueLog.JobReleased(_logger, job.Id, job.Lease.Job.DocumentId);
        return "released";
    }

    private async Task<string> RecordFailureAsync(RunningJob job, JobFailure failure)
    {
        job.Finishing = true;
        var record = job.Lease.Job;
        var type = new KeyValuePair<string, object?>("docpipeline.job.type", TypeTag(record.Type));
        switch (await _store.FailAsync(job.Lease, failure, CancellationToken.None).ConfigureAwait(false))
        {
            case JobFailureOutcome.RetryScheduled:
                QueueInstruments.Retried.Add(1, type);
                QueueLog.JobRetryScheduled(_logger, record.Id, record.Type, record.DocumentId, record.Attempts, record.MaxAttempts, failure.Error);
                return "retry_scheduled";
            case JobFailureOutcome.Failed:
                QueueInstruments.Failed.Add(1, type);
                QueueLog.JobFailed(_logger, record.Id, record.Type, record.DocumentId, record.Attempts, failure.Error);
                return "failed";
            default:
                return LeaseLost(job);
        }
    }

    private string LeaseLost(RunningJob job)
    {
        job.MarkLeaseLost();
        QueueLog.LeaseLost(_logger, job.Id, job.Lease.Job.DocumentId);
        return "lease_lost";
    }

    /// <summary>Renews every running lease each heartbeat interval; a lost lease or a cancel request fires that job's token.</summary>
    private async Task RunHeartbeatAsync(CancellationToken stop)
    {
        while (true)
        {
            try
            {
                await Task.Delay(_heartbeatInterval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var jobs = _running.Values.ToArray();
            try
            {
                // All renewals are queued at once, so the SQLite store commits them together.
                await Task.WhenAll(jobs.Select(RenewAsync)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                QueueLog.HeartbeatFailed(_logger, ex, jobs.Length);
            }
        }
    }

    private async Task RenewAsync(RunningJob job)
    {
        var renewal = await _store.RenewLeaseAsync(job.Lease, _leaseDuration, CancellationToken.None).ConfigureAwait(false);
        if (!renewal.Renewed)
        {
            // A job that just finished no longer has a lease to renew; that is not a loss.
            if (!job.Finishing && job.MarkLeaseLost())
            {
                QueueLog.LeaseLost(_logger, job.Id, job.Lease.Job.DocumentId);
            }
        }
        else if (renewal.CancelRequested)
        {
            job.RequestCancel();
        }
    }

    /// <summary>Lets running jobs finish within the shutdown grace period, then fires their tokens and waits for them.</summary>
    private async Task DrainAsync(CancellationTokenSource shutdown)
    {
        var jobs = _running.Values.ToArray();
        if (jobs.Length == 0)
        {
            return;
        }

        QueueLog.Draining(_logger, jobs.Length, _shutdownTimeout);
        var all = Task.WhenAll(jobs.Select(j => j.Completion));
        if (_shutdownTimeout > TimeSpan.Zero)
        {
            using var stopGrace = new CancellationTokenSource();
            var grace = Task.Delay(_shutdownTimeout, _time, stopGrace.Token);
            await Task.WhenAny(all, grace).ConfigureAwait(false);
            await stopGrace.CancelAsync().ConfigureAwait(false);
        }

        await shutdown.CancelAsync().ConfigureAwait(false);
        await all.ConfigureAwait(false);
    }

    /// <summary>Expires at once the leases of this machine's workers whose process is gone, so their jobs resume now.</summary>
    private async Task ResumeDeadLocalWorkersAsync(CancellationToken cancellationToken)
    {
        try
        {
            var processing = await _store.ListAsync(new JobQuery { Status = JobStatus.Processing, Limit = 100_000 }, cancellationToken).ConfigureAwait(false);
            foreach (var owner in processing.Select(j => j.LeaseOwner).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (owner != Owner && WorkerIdentity.IsDeadLocalWorker(owner))
                {
                    var expired = await _store.ExpireLeasesAsync(owner, cancellationToken).ConfigureAwait(false);
                    QueueLog.DeadWorkerLeasesExpired(_logger, owner, expired);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            QueueLog.HousekeepingFailed(_logger, ex);
        }
    }

    /// <summary>Deletes finished jobs past the retention period, at the start of a run and then daily.</summary>
    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextPurgeAt)
        {
            return;
        }

        _nextPurgeAt = now + PurgeInterval;
        try
        {
            var purged = await _store.PurgeAsync(now - TimeSpan.FromDays(_retentionDays), cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                QueueLog.Purged(_logger, purged, _retentionDays);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            QueueLog.HousekeepingFailed(_logger, ex);
        }
    }

    /// <summary>Whether the store has nothing left that this run should wait for: no pending job (due or waiting for a retry) and no expired lease.</summary>
    private async Task<bool> IsStoreIdleAsync(CancellationToken cancellationToken)
    {
        var counts = await _store.GetCountsAsync(null, cancellationToken).ConfigureAwait(false);
        return counts.Pending == 0 && (await _store.ListInterruptedAsync(cancellationToken).ConfigureAwait(false)).Count == 0;
    }

    private void NotifyWaitObservers()
    {
        lock (_waitObservers)
        {
            _waitObservers.RemoveAll(observer => observer.Condition() && observer.Reached.TrySetResult());
        }
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";

    private static string TypeTag(JobType type) => type switch
    {
        JobType.Add => "add",
        JobType.Update => "update",
        JobType.Remove => "remove",
        _ => "unknown",
    };
}
