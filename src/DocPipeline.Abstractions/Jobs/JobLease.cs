namespace DocPipeline.Jobs;

/// <summary>
/// A worker's exclusive, time-limited claim on a job. Completing, failing, checkpointing and renewing are fenced by
/// <see cref="Token"/>: once the lease expires and another worker claims the job, these calls with the old lease
/// have no effect.
/// </summary>
public sealed record JobLease
{
    /// <summary>Gets the job as it was when it was claimed.</summary>
    public required JobRecord Job { get; init; }

    /// <summary>Gets the worker that holds the lease.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the fencing token that identifies this claim.</summary>
    public required string Token { get; init; }

    /// <summary>Gets when the lease expires unless renewed.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the job id.</summary>
    public string JobId => Job.Id;
}
