namespace DocPipeline.Jobs;

/// <summary>
/// The rules every <see cref="IJobStore"/> applies the same way, so that a job behaves alike in the embedded SQLite
/// store, in PostgreSQL, and in a third-party store: which job a claim takes, supersedes or skips, when a failed job is
/// retried, and the messages recorded on jobs that a store (not a handler) ends.
/// </summary>
/// <remarks>
/// <para><b>One active job per document.</b> A job is active while it is <see cref="JobStatus.Pending"/> or
/// <see cref="JobStatus.Processing"/>. Creating a job cancels every pending job of the same document with
/// <see cref="SupersededBy"/> (the newest request wins; a <see cref="JobType.Remove"/> is a request like any other, so
/// it supersedes everything before it). A processing job is left to finish; a claim never runs two jobs of one
/// document at once, and retires the older one when the newer one is claimed (see <see cref="Decide"/>).</para>
/// <para><b>Claim order.</b> A claim walks the due jobs — pending with <see cref="JobRecord.NextAttemptAt"/> at or
/// before now, and processing jobs whose lease expired with attempts left — by <see cref="JobRecord.Priority"/>
/// (higher first), then <see cref="JobRecord.NextAttemptAt"/> (earlier first), then creation order
/// (<see cref="JobRecord.Sequence"/>), and asks <see cref="Decide"/> what to do with each until it holds
/// <see cref="JobClaimRequest.MaxJobs"/> jobs. Before walking, it ends the processing jobs whose lease expired and that
/// must not run again: cancelled with <see cref="CancelledLeaseExpired"/> when a cancellation was requested, failed
/// with <see cref="LeaseExpired"/> when no attempts are left.</para>
/// <para><b>Leases and fencing.</b> A claimed job gets a new random lease token (<see cref="NewLeaseToken"/>), an owner
/// and an expiry (now plus the lease duration, rounded up to whole milliseconds by <see cref="JobTime.ToMs"/>), and its
/// attempt count grows by one. Every later change made for that attempt (renew, progress, checkpoint, complete, fail,
/// release, confirm cancelled) takes effect only while the job is processing under the same token; otherwise it
/// changes nothing and reports the lease as lost.</para>
/// <para><b>Attempts and backoff.</b> A failed attempt is retried when <see cref="ShouldRetry"/> says so, after
/// <see cref="JobStoreSettings.RetryDelay"/> (exponential backoff with jitter, capped); otherwise the job ends
/// <see cref="JobStatus.Failed"/> with its error. A released attempt (the worker stopped before the job ran) is not
/// counted.</para>
/// </remarks>
public static class JobRules
{
    /// <summary>The error of a job cancelled through <see cref="IJobStore.CancelAsync"/> before it started.</summary>
    public const string CancelledBeforeStart = "Cancelled before it started.";

    /// <summary>The error of a running job whose handler confirmed a cancellation request.</summary>
    public const string CancelledWhileRunning = "Cancelled while running.";

    /// <summary>The error of a job that was asked to cancel and whose worker stopped renewing its lease.</summary>
    public const string CancelledLeaseExpired = "Cancelled: cancellation was requested and the worker's lease expired before it confirmed.";

    /// <summary>Creates a new job id: a version 7 GUID (time-ordered, unique across processes) without dashes.</summary>
    /// <param name="now">The creation time.</param>
    /// <returns>The job id, 32 lower-case hexadecimal digits.</returns>
    public static string NewJobId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");

    /// <summary>Creates a new lease token: random, so a stale worker can never guess the current one.</summary>
    /// <returns>The token, 32 lower-case hexadecimal digits.</returns>
    public static string NewLeaseToken() => Guid.NewGuid().ToString("N");

    /// <summary>Gets the error of a job replaced by a newer job for the same document.</summary>
    /// <param name="jobId">The id of the job that replaces it.</param>
    /// <returns>The error text; with an empty <paramref name="jobId"/>, the prefix that a store may complete itself.</returns>
    public static string SupersededBy(string jobId) => $"superseded by job {jobId}";

    /// <summary>Gets the error of a job whose lease expired with no attempts left.</summary>
    /// <param name="attempts">How many times the job was claimed.</param>
    /// <param name="lastError">The error of the last failed attempt, if any; it is kept at the end of the new error.</param>
    /// <returns>The error text.</returns>
    public static string LeaseExpired(int attempts, string? lastError) =>
        $"The lease expired after {attempts} attempt{(attempts == 1 ? string.Empty : "s")} (the worker crashed or hung), and no attempts are left."
        + (string.IsNullOrEmpty(lastError) ? string.Empty : $" Last error: {lastError}");

    /// <summary>Decides what a claim does with one due job, given the other active jobs of its document.</summary>
    /// <param name="sequence">The candidate's <see cref="JobRecord.Sequence"/>.</param>
    /// <param name="siblings">The other pending or processing jobs of the same document.</param>
    /// <param name="now">The claim time, in unix milliseconds (<see cref="JobTime.ToUnixMs"/>).</param>
    /// <param name="documentClaimedInBatch">Whether this claim already took a job of the same document.</param>
    /// <returns>
    /// <see cref="ClaimDecision.Supersede"/> with the id of the newest sibling when a newer active job exists (running
    /// the stale job would only undo the newer one's work); otherwise <see cref="ClaimDecision.Skip"/> when this claim
    /// already took the document or a sibling is processing under a live lease; otherwise
    /// <see cref="ClaimDecision.Claim"/>. A store that claims a job cancels the document's other active jobs (all older,
    /// none under a live lease) with <see cref="SupersededBy"/>, so an expired holder can never renew beside it.
    /// </returns>
    public static (ClaimDecision Decision, string? SupersededBy) Decide(
        long sequence, IEnumerable<JobSibling> siblings, long now, bool documentClaimedInBatch)
    {
        ArgumentNullException.ThrowIfNull(siblings);
        string? newest = null;
        var newestSequence = sequence;
        var blocked = false;
        foreach (var sibling in siblings)
        {
            if (sibling.Sequence > newestSequence)
            {
                newestSequence = sibling.Sequence;
                newest = sibling.Id;
            }

            blocked |= sibling.Processing && sibling.LeaseExpiresAt > now;
        }

        // A stale job is a no-op: the newer job of the document does the work, so running this one would only undo it.
        if (newest is not null)
        {
            return (ClaimDecision.Supersede, newest);
        }

        return documentClaimedInBatch || blocked ? (ClaimDecision.Skip, null) : (ClaimDecision.Claim, null);
    }

    /// <summary>Decides whether a failed attempt is retried or ends the job as <see cref="JobStatus.Failed"/>.</summary>
    /// <param name="failure">The failure the handler reported.</param>
    /// <param name="attempts">How many times the job was claimed, this attempt included.</param>
    /// <param name="maxAttempts">The job's <see cref="JobRecord.MaxAttempts"/>.</param>
    /// <param name="cancelRequested">Whether somebody asked to cancel the job; such a job is not worth another attempt.</param>
    /// <returns><see langword="true"/> when the failure is retryable, attempts are left and no cancellation was requested.</returns>
    public static bool ShouldRetry(JobFailure failure, int attempts, int maxAttempts, bool cancelRequested) =>
        failure.Retryable && attempts < maxAttempts && !cancelRequested;

    /// <summary>Checks a batch of job requests at the public boundary of a store, before anything is written.</summary>
    /// <param name="requests">The requests passed to <see cref="IJobStore.CreateAsync"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="requests"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A request is null, has no document id or source, or a <see cref="JobRequest.MaxAttempts"/> below 1.</exception>
    public static void ValidateRequests(IReadOnlyList<JobRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i] ?? throw new ArgumentException($"Job request {i} is null.", nameof(requests));
            if (string.IsNullOrWhiteSpace(request.DocumentId))
            {
                throw new ArgumentException($"Job request {i} has no document id.", nameof(requests));
            }

            if (string.IsNullOrWhiteSpace(request.Source))
            {
                throw new ArgumentException($"Job request {i} (document '{request.DocumentId}') has no source.", nameof(requests));
            }

            if (request.MaxAttempts is < 1)
            {
                throw new ArgumentException($"Job request {i} (document '{request.DocumentId}') has MaxAttempts {request.MaxAttempts}; it must be at least 1.", nameof(requests));
            }
        }
    }

    /// <summary>Checks a claim request at the public boundary of a store.</summary>
    /// <param name="request">The request passed to <see cref="IJobStore.ClaimAsync"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The owner is empty, <see cref="JobClaimRequest.MaxJobs"/> is below 1, or the lease duration is not positive.</exception>
    public static void ValidateClaim(JobClaimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Owner, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxJobs, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
    }
}
