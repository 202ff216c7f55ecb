namespace DocPipeline.Jobs;

/// <summary>What a monitor reads about the queue beyond the counts by state.</summary>
public partial interface IJobStore
{
    /// <summary>Summarizes the pending jobs: the oldest, those waiting for a retry, how many per priority.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The summary.</returns>
    /// <remarks>
    /// The default implementation looks at the newest 10,000 pending jobs only; the built-in stores answer with one
    /// query over every pending job.
    /// </remarks>
    async Task<PendingJobsSummary> GetPendingSummaryAsync(CancellationToken cancellationToken = default)
    {
        var pending = await ListAsync(new JobQuery { Status = JobStatus.Pending, Limit = 10_000 }, cancellationToken).ConfigureAwait(false);
        return new PendingJobsSummary(
            pending.Count == 0 ? null : pending.Min(j => j.CreatedAt),
            pending.Count(j => j.Attempts > 0),
            pending.GroupBy(j => j.Priority).OrderByDescending(g => g.Key).Select(g => new PriorityCount(g.Key, g.LongCount())).ToList());
    }
}
