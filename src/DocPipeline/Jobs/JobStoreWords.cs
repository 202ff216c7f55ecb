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

    /// <summary>
    /// Builds the <c>WHERE</c> clause of a job listing for a SQL store: one condition per filter that
    /// <paramref name="query"/> sets (status, batch, document), joined with <c>AND</c>, over the columns
    /// <c>status</c>, <c>batch_id</c> and <c>document_id</c> and the parameters <c>status</c>, <c>batch</c> and <c>document</c>.
    /// </summary>
    /// <param name="query">The listing's filters.</param>
    /// <param name="columnPrefix">Written before each column name (a table alias such as <c>j.</c>, or empty).</param>
    /// <param name="parameterMark">The parameter prefix of the database (<c>@</c> or <c>$</c>).</param>
    /// <returns>The clause with a leading space, or an empty string when no filter is set.</returns>
    public static string ListFilter(JobQuery query, string columnPrefix, char parameterMark)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(columnPrefix);
        var filters = new List<string>(3);
        if (query.Status is not null)
        {
            filters.Add($"{columnPrefix}status = {parameterMark}status");
        }

        if (query.BatchId is not null)
        {
            filters.Add($"{columnPrefix}batch_id = {parameterMark}batch");
        }

        if (query.DocumentId is not null)
        {
            filters.Add($"{columnPrefix}document_id = {parameterMark}document");
        }

        return filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters);
    }
}
