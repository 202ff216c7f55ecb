using DocPipeline.Embeddings;
using DocPipeline.Jobs;

namespace DocPipeline.Monitoring;

/// <summary>What <see cref="IPipelineMonitor.GetSnapshotAsync"/> saw: the queue, the workers, throughput, latencies and resources.</summary>
public sealed record MonitorSnapshot
{
    /// <summary>Gets when the snapshot was taken.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Gets the jobs by state.</summary>
    public JobStatusCounts Jobs { get; init; }

    /// <summary>Gets whether the queue is paused.</summary>
    public QueuePauseState Queue { get; init; } = QueuePauseState.Running;

    /// <summary>Gets the pending jobs at a glance (oldest, retries waiting, by priority).</summary>
    public PendingJobsSummary Pending { get; init; } = new(null, 0, []);

    /// <summary>Gets the age of the oldest pending job; <see langword="null"/> when none is pending.</summary>
    public TimeSpan? OldestPendingAge { get; init; }

    /// <summary>Gets every worker the job store knows, the most recently seen first.</summary>
    public IReadOnlyList<MonitoredWorker> Workers { get; init; } = [];

    /// <summary>Gets the running jobs (at most 100) with the worker holding each and when its lease expires.</summary>
    public IReadOnlyList<JobRecord> Running { get; init; } = [];

    /// <summary>Gets the batches of the running jobs (at most 10), with their progress and ETA.</summary>
    public IReadOnlyList<MonitoredBatch> Batches { get; init; } = [];

    /// <summary>Gets the last jobs that failed for good (at most 10), newest first, with their errors.</summary>
    public IReadOnlyList<JobRecord> RecentFailures { get; init; } = [];

    /// <summary>Gets the throughput over the last 1, 5 and 15 minutes, from the workers' heartbeats.</summary>
    public IReadOnlyList<Throughput> Throughput { get; init; } = [];

    /// <summary>Gets the share of chunks whose embedding came from the cache over the last 15 minutes; <see langword="null"/> when none was processed.</summary>
    public double? EmbeddingCacheHitRate { get; init; }

    /// <summary>
    /// Gets the embedding generator's calls, texts, input tokens and rate-limit waits, summed over the last heartbeat of
    /// every listed worker (each counts its process since it started).
    /// </summary>
    public EmbeddingStatistics Embedding { get; init; } = EmbeddingStatistics.Empty;

    /// <summary>Gets the step latencies of the last heartbeat interval of every worker seen in the last 15 minutes, merged.</summary>
    public IReadOnlyList<WorkerStepLatency> StepLatencies { get; init; } = [];

    /// <summary>Gets the disk each store of the data folder uses (embedded stores only; measured at most every 5 seconds).</summary>
    public IReadOnlyList<StoreDiskUsage> Stores { get; init; } = [];

    /// <summary>Gets the free space of the disk that holds the data folder, in bytes.</summary>
    public long? FreeDiskBytes { get; init; }
}
