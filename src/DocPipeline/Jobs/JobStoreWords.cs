namespace DocPipeline.Jobs;

/// <summary>
/// The lower-case words job stores keep for a job's status and type (so a table reads well in any database browser);
/// every store uses the same words.
/// </summary>
internal static class JobStoreWords
{
    public static string StatusName(JobStatus status) => status switch
    {
        JobStatus.Pending => "pending",
        JobStatus.Processing => "processing",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    public static JobStatus ParseStatus(string value) => value switch
    {
        "pending" => JobStatus.Pending,
        "processing" => JobStatus.Processing,
        "completed" => JobStatus.Completed,
        "failed" => JobStatus.Failed,
        "cancelled" => JobStatus.Cancelled,
        _ => throw new DocPipelineStorageException($"The job store holds a job with the unknown status '{value}'."),
    };

    public static string TypeName(JobType type) => type switch
    {
        JobType.Add => "add",
        JobType.Update => "update",
        JobType.Remove => "remove",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown job type."),
    };

    public static JobType ParseType(string value) => value switch
    {
        "add" => JobType.Add,
        "update" => JobType.Update,
        "remove" => JobType.Remove,
        _ => throw new DocPipelineStorageException($"The job store holds a job with the unknown type '{value}'."),
    };
}
