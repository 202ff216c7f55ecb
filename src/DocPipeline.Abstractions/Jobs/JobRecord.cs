namespace DocPipeline.Jobs;

/// <summary>A snapshot of a job as the job store holds it.</summary>
public sealed record JobRecord
{
    /// <summary>Gets the unique id of the job.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the id of the document the job acts on.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the source the document comes from.</summary>
    public required string Source { get; init; }

    /// <summary>Gets what the job does.</summary>
    public JobType Type { get; init; }

    /// <summary>Gets the priority; higher values are claimed first.</summary>
    public int Priority { get; init; }

    /// <summary>Gets the current state.</summary>
    public JobStatus Status { get; init; }

    /// <summary>Gets how many times the job has been claimed.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets how many times the job may be claimed before it stays failed.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Gets the progress reported by the handler, from 0 to 1.</summary>
    public double Progress { get; init; }

    /// <summary>Gets the last error, kept after a retry is scheduled and when the job failed.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the last checkpoint saved by the handler, used to resume instead of starting over.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Gets the handler-specific data given when the job was created.</summary>
    public string? Payload { get; init; }

    /// <summary>Gets the result recorded by the handler when the job completed.</summary>
    public string? Result { get; init; }

    /// <summary>Gets the id that groups jobs created by one run.</summary>
    public string? BatchId { get; init; }

    /// <summary>Gets a number that increases with every job created in the store; later jobs have larger numbers.</summary>
    public long Sequence { get; init; }

    /// <summary>Gets when the job was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the job last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets the earliest time the job may be claimed.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Gets when the job reached a terminal state, if it has.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the worker that holds (or last held) the lease.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the current lease expires.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets a value indicating whether cancellation was requested while the job was processing.</summary>
    public bool CancelRequested { get; init; }
}
