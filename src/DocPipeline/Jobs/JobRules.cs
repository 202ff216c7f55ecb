namespace DocPipeline.Jobs;

/// <summary>
/// The rules every job store applies the same way: what a claim does with each candidate, and the messages recorded
/// on jobs that a store (not a handler) ends.
/// </summary>
internal static class JobRules
{
    /// <summary>The error of a job cancelled through <see cref="IJobStore.CancelAsync"/> before it started.</summary>
    public const string CancelledBeforeStart = "Cancelled before it started.";

    /// <summary>The error of a running job whose handler confirmed a cancellation request.</summary>
    public const string CancelledWhileRunning = "Cancelled while running.";

    /// <summary>The error of a job that was asked to cancel and whose worker stopped renewing its lease.</summary>
    public const string CancelledLeaseExpired = "Cancelled: cancellation was requested and the worker's lease expired before it confirmed.";

    /// <summary>A new job id: a version 7 GUID (time-ordered, unique across processes) without dashes.</summary>
    public static string NewJobId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");

    /// <summary>A new lease token: random, so a stale worker can never guess the current one.</summary>
    public static string NewLeaseToken() => Guid.NewGuid().ToString("N");

    /// <summary>The error of a job replaced by a newer job for the same document.</summary>
    public static string SupersededBy(string jobId) => $"superseded by job {jobId}";

    /// <summary>The error of a job whose lease expired with no attempts left.</summary>
    public static string LeaseExpired(int attempts, string? lastError) =>
        $"The lease expired after {attempts} attempt{(attempts == 1 ? string.Empty : "s")} (the worker crashed or hung), and no attempts are left."
        + (string.IsNullOrEmpty(lastError) ? string.Empty : $" Last error: {lastError}");

    /// <summary>Decides what a claim does with one claimable job, given the other active jobs of its document.</summary>
    /// <param name="sequence">The candidate's sequence number.</param>
    /// <param name="siblings">The other pending or processing jobs of the same document.</param>
    /// <param name="now">The claim time, in unix milliseconds.</param>
    /// <param name="documentClaimedInBatch">Whether this claim already took a job of the same document.</param>
    /// <returns>The decision, and for <see cref="ClaimDecision.Supersede"/> the id of the newest job that replaces it.</returns>
    public static (ClaimDecision Decision, string? SupersededBy) Decide(
        long sequence, IEnumerable<JobSibling> siblings, long now, bool documentClaimedInBatch)
    {
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

    /// <summary>Checks a batch of job requests at the public boundary of a store.</summary>
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
    public static void ValidateClaim(JobClaimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Owner, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxJobs, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
    }
}
