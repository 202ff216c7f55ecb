namespace DocPipeline.Specification.Tests.Jobs;

/// <summary>
/// The store settings a <see cref="JobStoreSpecification"/> test needs: every implementation maps them onto its own
/// options. <see cref="NextRandom"/> replaces the jitter's random source so backoff can be asserted exactly.
/// </summary>
public sealed record JobStoreSpecificationSettings
{
    /// <summary>Gets how many times a job created without its own maximum may be claimed.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Gets the priority of jobs created without one.</summary>
    public int DefaultPriority { get; init; }

    /// <summary>Gets the delay before the first retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the longest delay between retries.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the share of each retry delay that is randomized.</summary>
    public double RetryJitter { get; init; }

    /// <summary>Gets the random source of the jitter, in [0, 1).</summary>
    public Func<double> NextRandom { get; init; } = () => 0.0;
}
