namespace DocPipeline.Jobs;

/// <summary>Operator controls of the job store: the durable pause, the error history, and bulk cancel, retry and purge.</summary>
/// <remarks>
/// The members have default implementations built on the core members, so a store written before they existed keeps
/// working: such a store is never paused (and refuses to be), and its error history is its last error. The built-in
/// stores implement every member in one statement or transaction.
/// </remarks>
public partial interface IJobStore
{
    /// <summary>Reads whether the queue is paused.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The pause state; <see cref="QueuePauseState.Running"/> when the queue was never paused.</returns>
    Task<QueuePauseState> GetPauseStateAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(QueuePauseState.Running);

    /// <summary>
    /// Pauses or resumes the queue for every worker sharing this store. While paused, <see cref="ClaimAsync"/> claims
    /// nothing; the flag survives restarts until the queue is resumed.
    /// </summary>
    /// <param name="paused"><see langword="true"/> to pause, <see langword="false"/> to resume.</param>
    /// <param name="interruptRunning">When pausing: interrupt running jobs at their next checkpoint and give them back.</param>
    /// <param name="changedBy">Who pauses or resumes, shown to operators; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The new state.</returns>
    /// <exception cref="NotSupportedException">The store does not keep a pause flag.</exception>
    Task<QueuePauseState> SetPauseStateAsync(bool paused, bool interruptRunning, string? changedBy, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"The job store {GetType().Name} cannot be paused: it keeps no pause flag.");

    /// <summary>Lists every recorded failure of a job, oldest first.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The failures; empty when the job never failed or does not exist.</returns>
    async Task<IReadOnlyList<JobError>> ListErrorsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        return job?.Error is { Length: > 0 } error ? [new JobError(job.Attempts, job.UpdatedAt, error)] : [];
    }

    /// <summary>Cancels every pending job (running jobs are left alone).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of jobs cancelled.</returns>
    async Task<int> CancelAllPendingAsync(CancellationToken cancellationToken = default) =>
        await ForEachJobAsync(
            JobStatus.Pending,
            async (id, ct) => await CancelAsync(id, ct).ConfigureAwait(false) == JobCancelResult.Cancelled,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Puts every failed job back to pending with a fresh set of attempts (their checkpoints are kept).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of jobs put back.</returns>
    Task<int> RetryFailedAsync(CancellationToken cancellationToken = default) =>
        ForEachJobAsync(JobStatus.Failed, RetryAsync, cancellationToken);

    /// <summary>Deletes the jobs in one finished state that finished before <paramref name="finishedBefore"/>.</summary>
    /// <param name="finishedBefore">The cutoff.</param>
    /// <param name="status"><see cref="JobStatus.Completed"/>, <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of jobs deleted.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a finished state.</exception>
    /// <exception cref="NotSupportedException">The store can only purge every finished state at once.</exception>
    Task<int> PurgeAsync(DateTimeOffset finishedBefore, JobStatus status, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"The job store {GetType().Name} can only purge every finished state at once.");

    /// <summary>Applies <paramref name="change"/> to the jobs in <paramref name="status"/>, page by page, until none is left; returns how many it changed.</summary>
    private async Task<int> ForEachJobAsync(JobStatus status, Func<string, CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
    {
        var changed = 0;
        while (true)
        {
            var jobs = await ListAsync(new JobQuery { Status = status, Limit = 500 }, cancellationToken).ConfigureAwait(false);
            var before = changed;
            foreach (var job in jobs)
            {
                changed += await change(job.Id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            // A page that changed nothing would come back the same.
            if (jobs.Count == 0 || changed == before)
            {
                return changed;
            }
        }
    }
}
