namespace DocPipeline.Jobs;

/// <summary>What one worker (one run of a queue in one process) last reported about itself.</summary>
/// <remarks>Counters count since <see cref="StartedAt"/>; CPU is the share of one core over the last interval.</remarks>
public sealed record WorkerHeartbeat
{
    /// <summary>Gets the worker's identity: the lease owner its jobs carry (<c>machine/pid/start ticks/random</c>).</summary>
    public required string WorkerId { get; init; }

    /// <summary>Gets the machine the worker runs on.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the worker's process id.</summary>
    public int ProcessId { get; init; }

    /// <summary>Gets when the worker started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the worker last recorded its heartbeat.</summary>
    public DateTimeOffset SeenAt { get; init; }

    /// <summary>Gets a value indicating whether the worker stopped cleanly (its last heartbeat said so).</summary>
    public bool Stopped { get; init; }

    /// <summary>Gets how many jobs the worker was running.</summary>
    public int JobsInFlight { get; init; }

    /// <summary>Gets how many jobs the worker completed.</summary>
    public long JobsCompleted { get; init; }

    /// <summary>Gets how many jobs failed for good in the worker.</summary>
    public long JobsFailed { get; init; }

    /// <summary>Gets how many failed attempts the worker scheduled for a retry.</summary>
    public long JobsRetried { get; init; }

    /// <summary>Gets how many chunk texts the worker sent to the embedder.</summary>
    public long ChunksEmbedded { get; init; }

    /// <summary>Gets how many chunks took their embedding from the cache.</summary>
    public long ChunksReused { get; init; }

    /// <summary>Gets how many bytes the worker's process read (all its I/O, where the platform tells; else 0).</summary>
    public long BytesRead { get; init; }

    /// <summary>Gets the successful calls this process made to its embedding generator.</summary>
    public long EmbeddingCalls { get; init; }

    /// <summary>Gets the texts this process embedded.</summary>
    public long EmbeddingTexts { get; init; }

    /// <summary>Gets the input tokens the embedding service reported to this process (0 when it reports none).</summary>
    public long EmbeddingInputTokens { get; init; }

    /// <summary>Gets how many answers of the embedding service said it was rate limiting this process.</summary>
    public long EmbeddingRateLimited { get; init; }

    /// <summary>Gets how long this process's embedding calls waited for the service's rate limits, in milliseconds.</summary>
    public long EmbeddingRateLimitWaitMs { get; init; }

    /// <summary>Gets the CPU the process used over the last interval, in percent of one core.</summary>
    public double CpuPercent { get; init; }

    /// <summary>Gets the process's resident memory in bytes.</summary>
    public long WorkingSetBytes { get; init; }

    /// <summary>Gets the managed heap size in bytes.</summary>
    public long GcHeapBytes { get; init; }

    /// <summary>Gets the latencies of the ingestion steps over the last interval (at most one entry per step).</summary>
    public IReadOnlyList<WorkerStepLatency> StepLatencies { get; init; } = [];

    /// <summary>Gets the worker's activity in slots of <see cref="WorkerActivity.SlotSeconds"/> seconds, oldest first, at most the last 15 minutes.</summary>
    public IReadOnlyList<WorkerActivity> Activity { get; init; } = [];
}
