namespace DocPipeline.Jobs;

/// <summary>Another pending or processing job of the same document, as a claim sees it (see <see cref="JobRules.Decide"/>).</summary>
/// <param name="Id">The job id.</param>
/// <param name="Sequence">The creation order (<see cref="JobRecord.Sequence"/>).</param>
/// <param name="Processing">Whether the job is processing (otherwise pending).</param>
/// <param name="LeaseExpiresAt">When its lease expires, in unix milliseconds, if it has one.</param>
public readonly record struct JobSibling(string Id, long Sequence, bool Processing, long? LeaseExpiresAt);
