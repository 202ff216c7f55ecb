namespace DocPipeline.Jobs;

/// <summary>Parameters of a claim.</summary>
public sealed class JobClaimRequest
{
    /// <summary>Gets the identity of the claiming worker (shown in job listings).</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the maximum number of jobs to claim.</summary>
    /// <value>The default value is 1.</value>
    public int MaxJobs { get; init; } = 1;

    /// <summary>Gets how long the lease lasts unless renewed.</summary>
    public required TimeSpan LeaseDuration { get; init; }
}
