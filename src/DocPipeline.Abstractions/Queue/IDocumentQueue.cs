using DocPipeline.Jobs;

namespace DocPipeline.Queue;

/// <summary>
/// Schedules jobs from the job store: claims them in priority order, runs at most
/// <c>MaxConcurrent</c> at a time through the registered <see cref="IJobHandler"/>, renews their leases, and records
/// their outcome.
/// </summary>
public interface IDocumentQueue
{
    /// <summary>Gets a value indicating whether the queue is paused (running jobs finish; nothing new starts).</summary>
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

    /// <summary>Stops claiming new jobs; running jobs finish.</summary>
    void Pause();

    /// <summary>Starts claiming jobs again after <see cref="Pause"/>.</summary>
    void Resume();

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
