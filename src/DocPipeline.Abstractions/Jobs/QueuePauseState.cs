namespace DocPipeline.Jobs;

/// <summary>
/// Whether the queue of a job store is paused: a durable flag that every worker of every process sharing the store
/// honours, until somebody resumes it.
/// </summary>
public sealed record QueuePauseState
{
    /// <summary>Gets the state of a store that was never paused.</summary>
    public static QueuePauseState Running { get; } = new();

    /// <summary>Gets a value indicating whether the queue is paused: no worker claims a job.</summary>
    public bool IsPaused { get; init; }

    /// <summary>
    /// Gets a value indicating whether running jobs are interrupted at their next checkpoint and given back (pending
    /// again, the attempt not counted) rather than let finish.
    /// </summary>
    public bool InterruptRunning { get; init; }

    /// <summary>Gets when the queue was last paused or resumed, or <see langword="null"/> when it never was.</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>Gets who last paused or resumed the queue (for example <c>docpipe jobs pause</c> on a host), if known.</summary>
    public string? ChangedBy { get; init; }
}
