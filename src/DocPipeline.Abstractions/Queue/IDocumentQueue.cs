using DocPipeline.Jobs;

namespace DocPipeline.Queue;

/// <summary>
/// Schedules jobs from the job store: claims them in priority order, runs at most
/// <c>MaxConcurrent</c> at a time through the registered <see cref="IJobHandler"/>, renews their leases, and records
/// their outcome.
/// </summary>
public interface IDocumentQueue
{
    /// <summary>
    /// Gets a value indicating whether the queue is paused (running jobs finish; nothing new starts), as this queue
    /// last read the job store's pause flag (at least every second while it runs).
    /// </summary>
    bool IsPaused { get; }

    /// <summary>Gets the number of jobs this queue is running right now.</summary>
    int RunningCount { get; }

    /// <summary>Adds a batch of jobs.</summary>
    /// <param name="requests">The jobs to add.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The created jobs.</returns>
    Task<IReadOnlyList<JobRecord>> EnqueueAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Counts jobs by state.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The counts.</returns>
    Task<JobStatusCounts> GetCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses the queue durably: sets the job store's pause flag, which every worker of every process sharing the
    /// store honours within a second and which survives restarts until <see cref="ResumeAsync"/>. No new job is
    /// claimed; running jobs finish, or with <paramref name="now"/> are interrupted at their next checkpoint and given
    /// back (pending again, the attempt not counted).
    /// </summary>
    /// <param name="now">Interrupt running jobs instead of letting them finish.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The pause state now in the store.</returns>
    /// <remarks>With a job store that keeps no pause flag, only this queue pauses, until this process ends.</remarks>
    Task<QueuePauseState> PauseAsync(bool now = false, CancellationToken cancellationToken = default);

    /// <summary>Clears the job store's pause flag: every worker sharing the store claims jobs again.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The pause state now in the store.</returns>
    Task<QueuePauseState> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>Cancels a job: a job not started is cancelled; a running job's cancellation token fires.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What happened.</returns>
    Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Processes jobs until <paramref name="cancellationToken"/> fires, then stops cleanly.</summary>
    /// <param name="cancellationToken">Stops processing. Running jobs are given their shutdown grace period, then cancelled and released.</param>
    /// <returns>A task that completes when processing has stopped.</returns>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Processes jobs until none is due or running (jobs waiting for a retry are waited for), or until
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="cancellationToken">Stops processing.</param>
    /// <returns>A task that completes when the queue is idle.</returns>
    Task RunUntilIdleAsync(CancellationToken cancellationToken);
}
