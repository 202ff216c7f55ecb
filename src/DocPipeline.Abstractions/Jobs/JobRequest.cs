namespace DocPipeline.Jobs;

/// <summary>A request to create a job.</summary>
public sealed class JobRequest
{
    /// <summary>Gets the id of the document the job acts on. At most one job per document is active at a time.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the source the document comes from (a file path or another locator).</summary>
    public required string Source { get; init; }

    /// <summary>Gets what the job does.</summary>
    /// <value>The default value is <see cref="JobType.Add"/>.</value>
    public JobType Type { get; init; } = JobType.Add;

    /// <summary>Gets the priority; higher values are claimed first.</summary>
    /// <value>The default value is <see langword="null"/>, which means the store's default priority.</value>
    public int? Priority { get; init; }

    /// <summary>Gets how many times the job may be attempted before it stays failed.</summary>
    /// <value>The default value is <see langword="null"/>, which means the store's configured maximum.</value>
    public int? MaxAttempts { get; init; }

    /// <summary>Gets an optional identifier that groups jobs created by one run, so the run can wait for them.</summary>
    public string? BatchId { get; init; }

    /// <summary>Gets optional handler-specific data (for example serialized ingestion options).</summary>
    public string? Payload { get; init; }
}
