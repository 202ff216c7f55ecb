namespace DocPipeline.Jobs;

/// <summary>How many jobs are in each state.</summary>
/// <param name="Pending">Jobs waiting to be claimed, including those waiting for a retry.</param>
/// <param name="Processing">Jobs held by a worker.</param>
/// <param name="Completed">Jobs that finished successfully.</param>
/// <param name="Failed">Jobs that failed for good.</param>
/// <param name="Cancelled">Jobs that were cancelled or superseded.</param>
public readonly record struct JobStatusCounts(long Pending, long Processing, long Completed, long Failed, long Cancelled)
{
    /// <summary>Gets the number of jobs that are not finished.</summary>
    public long Active => Pending + Processing;

    /// <summary>Gets the number of all jobs.</summary>
    public long Total => Pending + Processing + Completed + Failed + Cancelled;
}
