namespace DocPipeline.Jobs;

/// <summary>How long one ingestion step took in a worker over its last heartbeat interval.</summary>
/// <param name="Step">The step (<c>read</c>, <c>embed</c>, <c>vector_write</c>, <c>keyword_write</c>, <c>registry_commit</c>…).</param>
/// <param name="Count">How many times the step ran in the interval.</param>
/// <param name="P50Ms">The median, in milliseconds.</param>
/// <param name="P95Ms">The 95th percentile, in milliseconds.</param>
/// <param name="P99Ms">The 99th percentile, in milliseconds.</param>
/// <param name="MaxMs">The longest, in milliseconds.</param>
public sealed record WorkerStepLatency(string Step, long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
