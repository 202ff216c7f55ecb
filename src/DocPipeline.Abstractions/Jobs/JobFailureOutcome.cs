namespace DocPipeline.Jobs;

/// <summary>What the store did with a failed attempt.</summary>
public enum JobFailureOutcome
{
    /// <summary>The lease was no longer held, so nothing changed.</summary>
    LeaseLost = 0,

    /// <summary>The job returned to pending and will be retried at its next attempt time.</summary>
    RetryScheduled = 1,

    /// <summary>The job is failed for good, with its error kept.</summary>
    Failed = 2,
}
