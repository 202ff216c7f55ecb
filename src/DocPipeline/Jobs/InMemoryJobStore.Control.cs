namespace DocPipeline.Jobs;

/// <summary>The operator controls of the in-memory job store, with the semantics of the SQLite store.</summary>
internal sealed partial class InMemoryJobStore
{
    private readonly Dictionary<string, List<JobError>> _errors = new(StringComparer.Ordinal);
    private QueuePauseState _pause = QueuePauseState.Running;

    public Task<QueuePauseState> GetPauseStateAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_pause);
        }
    }

    public Task<QueuePauseState> SetPauseStateAsync(bool paused, bool interruptRunning, string? changedBy, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _pause = new QueuePauseState
            {
                IsPaused = paused,
                InterruptRunning = paused && interruptRunning,
                ChangedAt = JobTime.FromUnixMs(Now()),
                ChangedBy = changedBy,
            };
            return Task.FromResult(_pause);
        }
    }

    public Task<IReadOnlyList<JobError>> ListErrorsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<JobError>>(_errors.TryGetValue(jobId, out var errors) ? [.. errors] : []);
        }
    }

    public Task<int> CancelAllPendingAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var now = Now();
            var pending = _pending.ToList();
            foreach (var job in pending)
            {
                Change(job, j => j.Finish(JobStatus.Cancelled, JobRules.CancelledBeforeStart, now));
            }

            return Task.FromResult(pending.Count);
        }
    }

    public async Task<int> RetryFailedAsync(CancellationToken cancellationToken = default)
    {
        List<string> failed;
        lock (_lock)
        {
            failed = _jobs.Values.Where(j => j.Status == JobStatus.Failed).Select(j => j.Id).ToList();
        }

        var retried = 0;
        foreach (var id in failed)
        {
            retried += await RetryAsync(id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return retried;
    }

    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, JobStatus status, CancellationToken cancellationToken = default)
    {
        _ = SqliteJobStore.FinishedStatusName(status);
        var cutoff = JobTime.ToUnixMs(finishedBefore);
        lock (_lock)
        {
            var purged = _jobs.Values.Where(j => j.Status == status && j.FinishedAt < cutoff).Select(j => j.Id).ToList();
            foreach (var id in purged)
            {
                _jobs.Remove(id);
                _errors.Remove(id);
            }

            return Task.FromResult(purged.Count);
        }
    }

    /// <summary>
    /// Records a failed attempt: the job left processing for pending or failed with its attempt kept (a released job
    /// gives its attempt back), as the SQLite store's trigger does; call under the lock.
    /// </summary>
    private void RecordErrorIfFailed(Entry job, JobStatus before, int attemptsBefore)
    {
        if (before != JobStatus.Processing || job.Status is not (JobStatus.Pending or JobStatus.Failed) || job.Attempts != attemptsBefore || job.Error is null)
        {
            return;
        }

        if (!_errors.TryGetValue(job.Id, out var errors))
        {
            errors = [];
            _errors[job.Id] = errors;
        }

        errors.Add(new JobError(job.Attempts, JobTime.FromUnixMs(job.UpdatedAt), job.Error));
    }
}
