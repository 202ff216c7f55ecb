namespace DocPipeline.Jobs;

/// <summary>
/// The lower-case words job stores keep for a job's status and type (so a table reads well in any database browser);
/// every store uses the same words.
/// </summary>
public static class JobStoreWords
{
    /// <summary>Gets the word stored for a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>pending</c>, <c>processing</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string StatusName(JobStatus status) => status switch
    {
        JobStatus.Pending => "pending",
        JobStatus.Processing => "processing",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>Reads a status word written by <see cref="StatusName"/>.</summary>
    /// <param name="value">The stored word.</param>
    /// <returns>The status.</returns>
    /// <exception cref="DocPipelineStorageException">The word is not a known status: the store holds data it cannot read.</exception>
    public static JobStatus ParseStatus(string value) => value switch
    {
        "pending" => JobStatus.Pending,
        "processing" => JobStatus.Processing,
        "completed" => JobStatus.Completed,
        "failed" => JobStatus.Failed,
        "cancelled" => JobStatus.Cancelled,
        _ => throw new DocPipelineStorageException($"The job store holds a job with the unknown status '{value}'."),
    };

    /// <summary>Gets the word stored for a job type.</summary>
    /// <param name="type">The job type.</param>
    /// <returns><c>add</c>, <c>update</c> or <c>remove</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static string TypeName(JobType type) => type switch
    {
        JobType.Add => "add",
        JobType.Update => "update",
        JobType.Remove => "remove",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown job type."),
    };

    /// <summary>Reads a job type word written by <see cref="TypeName"/>.</summary>
    /// <param name="value">The stored word.</param>
    /// <returns>The job type.</returns>
    /// <exception cref="DocPipelineStorageException">The word is not a known type: the store holds data it cannot read.</exception>
    public static JobType ParseType(string value) => value switch
    {
        "add" => JobType.Add,
        "update" => JobType.Update,
        "remove" => JobType.Remove,
        _ => throw new DocPipelineStorageException($"The job store holds a job with the unknown type '{value}'."),
    };
}
