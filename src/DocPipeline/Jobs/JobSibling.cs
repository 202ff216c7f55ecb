namespace DocPipeline.Jobs;

/// <summary>Another pending or processing job of the same document, as a claim sees it.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Sequence">The creation order.</param>
/// <param name="Processing">Whether the job is processing (otherwise pending).</param>
/// <param name="LeaseExpiresAt">When its lease expires, in unix milliseconds, if it has one.</param>
internal readonly record struct JobSibling(string Id, long Sequence, bool Processing, long? LeaseExpiresAt);
