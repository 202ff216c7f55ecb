namespace DocPipeline.Jobs;

/// <summary>The outcome of a cancel request.</summary>
public enum JobCancelResult
{
    /// <summary>No job has that id.</summary>
    NotFound = 0,

    /// <summary>The job had not started and is now cancelled.</summary>
    Cancelled = 1,

    /// <summary>The job is running; its worker was asked to stop through its cancellation token.</summary>
    CancelRequested = 2,

    /// <summary>The job had already finished; nothing changed.</summary>
    AlreadyFinished = 3,
}
