using DocPipeline.Jobs;

namespace DocPipeline.Monitoring;

/// <summary>A batch that still has work: its jobs by state, progress and estimated time left.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Jobs">The batch's jobs by state.</param>
/// <param name="Progress">The share of the batch's jobs that finished, 0 to 1.</param>
/// <param name="Eta">The time left at the throughput of the last 5 minutes; <see langword="null"/> when nothing finished lately.</param>
public sealed record MonitoredBatch(string BatchId, JobStatusCounts Jobs, double Progress, TimeSpan? Eta);
