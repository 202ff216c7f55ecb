using DocPipeline.Jobs;

namespace DocPipeline.Ingestion;

/// <summary>
/// Tells a run's superseded jobs from its cancelled ones and says who took each over: a job replaced by a newer job
/// for the same document was not skipped, its work was done by that job (of another run, maybe in another process).
/// </summary>
internal static class SupersededJobs
{
    /// <summary>The most superseding jobs looked up to name their batch and worker; the rest are named by id only.</summary>
    private const int MaxLookups = 100;

    private static readonly string Prefix = JobRules.SupersededBy(string.Empty);

    /// <summary>Lists the superseded jobs of <paramref name="batchId"/> (at most <see cref="IngestionRun.MaxListed"/>) and counts them.</summary>
    /// <param name="jobs">The job store.</param>
    /// <param name="batchId">The run's batch.</param>
    /// <param name="cancelled">How many jobs of the batch are cancelled (superseded ones included).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    public static async Task<(IReadOnlyList<IngestSkip> Listed, long Count)> DescribeAsync(
        IJobStore jobs, string batchId, long cancelled, CancellationToken cancellationToken)
    {
        if (cancelled == 0)
        {
            return ([], 0);
        }

        var listed = await jobs.ListAsync(new JobQuery { BatchId = batchId, Status = JobStatus.Cancelled, Limit = IngestionRun.MaxListed }, cancellationToken)
            .ConfigureAwait(false);
        var superseded = listed.Where(j => j.Error?.StartsWith(Prefix, StringComparison.Ordinal) == true).ToList();
        var takers = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<IngestSkip>(superseded.Count);
        foreach (var job in superseded)
        {
            var takerId = job.Error![Prefix.Length..];
            if (!takers.TryGetValue(takerId, out var taker))
            {
                taker = takers.Count < MaxLookups ? Describe(takerId, await jobs.GetAsync(takerId, cancellationToken).ConfigureAwait(false)) : $"job {takerId}";
                takers[takerId] = taker;
            }

            result.Add(new IngestSkip(job.Source, $"superseded by {taker}"));
        }

        // Past the listed jobs, the count assumes the same share of superseded ones among the cancelled.
        var count = listed.Count == 0 || cancelled <= listed.Count ? superseded.Count : (long)Math.Round((double)cancelled * superseded.Count / listed.Count);
        return (result, count);
    }

    private static string Describe(string jobId, JobRecord? job)
    {
        if (job is null)
        {
            return $"job {jobId}";
        }

        var worker = job.LeaseOwner is { } owner ? $", worker {owner}" : string.Empty;
        return $"job {jobId} (batch {job.BatchId ?? "none"}, {job.Status.ToString().ToLowerInvariant()}{worker})";
    }
}
