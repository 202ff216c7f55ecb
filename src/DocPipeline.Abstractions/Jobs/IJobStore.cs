namespace DocPipeline.Jobs;

/// <summary>
/// Durable storage of jobs: their state, priority, attempts, lease, checkpoint, error and result.
/// </summary>
/// <remarks>
/// <para>Claims follow priority (higher first), then <see cref="JobRecord.NextAttemptAt"/>, then creation order.
/// A job whose lease expired is claimable again; that is how work held by a crashed worker resumes.</para>
/// <para>At most one job per document is active: creating a job for a document cancels (supersedes) that
/// document's pending jobs, and a job is not claimed while another job for the same document is processing
/// under a live lease.</para>
/// <para>Every method that takes a <see cref="JobLease"/> is fenced by its token: after the lease was lost the call
/// changes nothing and reports that.</para>
/// </remarks>
public partial interface IJobStore
{
    /// <summary>Creates jobs in one atomic step, superseding pending jobs of the same documents.</summary>
    /// <param name="requests">The jobs to create.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The created jobs, in the order of <paramref name="requests"/>.</returns>
    Task<IReadOnlyList<JobRecord>> CreateAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Gets a job by id.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The job, or <see langword="null"/> when no job has that id.</returns>
    Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists jobs, newest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The matching jobs, at most <see cref="JobQuery.Limit"/>.</returns>
    Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts jobs by state.</summary>
    /// <param name="batchId">Count only the jobs of this batch, or <see langword="null"/> for all jobs.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The counts.</returns>
    Task<JobStatusCounts> GetCountsAsync(string? batchId = null, CancellationToken cancellationToken = default);

    /// <summary>Atomically claims up to <see cref="JobClaimRequest.MaxJobs"/> due jobs, each under a new lease.</summary>
    /// <param name="request">Who claims, how many, for how long.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The leases; empty when nothing is due.</returns>
    Task<IReadOnlyList<JobLease>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease (the heartbeat) and reports whether cancellation was requested.</summary>
    /// <param name="lease">The lease to extend.</param>
    /// <param name="duration">The new lease duration from now.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether the lease is still held, its new expiry, and whether cancellation was requested.</returns>
    Task<LeaseRenewal> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Records the progress of a job.</summary>
    /// <param name="lease">The lease on the job.</param>
    /// <param name="progress">The progress, from 0 to 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> ReportProgressAsync(JobLease lease, double progress, CancellationToken cancellationToken = default);

    /// <summary>Saves the handler's checkpoint so that a later attempt resumes from it.</summary>
    /// <param name="lease">The lease on the job.</param>
    /// <param name="checkpoint">The checkpoint state.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> SaveCheckpointAsync(JobLease lease, string checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Marks a job completed.</summary>
    /// <param name="lease">The lease on the job.</param>
    /// <param name="result">An optional result recorded with the job.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost (the job was not changed).</returns>
    Task<bool> CompleteAsync(JobLease lease, string? result = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed attempt: with attempts left and a retryable failure the job returns to pending at
    /// now + exponential backoff with jitter; otherwise it stays failed with its error.
    /// </summary>
    /// <param name="lease">The lease on the job.</param>
    /// <param name="failure">Why the attempt failed.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What happened to the job.</returns>
    Task<JobFailureOutcome> FailAsync(JobLease lease, JobFailure failure, CancellationToken cancellationToken = default);

    /// <summary>Gives a job back without counting the attempt (used on clean shutdown).</summary>
    /// <param name="lease">The lease on the job.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> ReleaseAsync(JobLease lease, CancellationToken cancellationToken = default);

    /// <summary>Marks a running job cancelled after its handler observed the cancellation request.</summary>
    /// <param name="lease">The lease on the job.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> ConfirmCancelledAsync(JobLease lease, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job: a pending job is cancelled at once; a processing job gets a cancellation request.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What happened.</returns>
    Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Puts a failed or cancelled job back to pending with a fresh set of attempts.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when no failed or cancelled job has that id.</returns>
    Task<bool> RetryAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists jobs that were interrupted: processing under a lease that has expired.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The interrupted jobs, oldest first.</returns>
    Task<IReadOnlyList<JobRecord>> ListInterruptedAsync(CancellationToken cancellationToken = default);

    /// <summary>Expires at once every lease held by <paramref name="owner"/>, known to be dead, so its jobs can be claimed.</summary>
    /// <param name="owner">The worker identity.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of leases expired.</returns>
    Task<int> ExpireLeasesAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Deletes completed, failed and cancelled jobs that finished before <paramref name="finishedBefore"/>.</summary>
    /// <param name="finishedBefore">The cutoff.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of jobs deleted.</returns>
    Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default);
}
