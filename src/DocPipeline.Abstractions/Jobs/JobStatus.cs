namespace DocPipeline.Jobs;

/// <summary>The life-cycle state of a job.</summary>
/// <remarks>
/// <c>Pending → Processing → Completed | Failed | Cancelled</c>. A job that fails with attempts left returns to
/// <see cref="Pending"/> with <see cref="JobRecord.NextAttemptAt"/> in the future and its last error kept.
/// </remarks>
public enum JobStatus
{
    /// <summary>Waiting to be claimed (new, or waiting for a retry).</summary>
    Pending = 0,

    /// <summary>Claimed by a worker that holds a lease on it.</summary>
    Processing = 1,

    /// <summary>Finished successfully.</summary>
    Completed = 2,

    /// <summary>Failed with no attempts left (or with an error that is not worth retrying); the error is kept.</summary>
    Failed = 3,

    /// <summary>Cancelled before it finished, or superseded by a newer job for the same document.</summary>
    Cancelled = 4,
}
