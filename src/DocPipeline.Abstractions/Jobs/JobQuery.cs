namespace DocPipeline.Jobs;

/// <summary>A filter for listing jobs. Results are ordered newest first.</summary>
public sealed class JobQuery
{
    /// <summary>Gets the status to match, or <see langword="null"/> for any.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Gets the batch id to match, or <see langword="null"/> for any.</summary>
    public string? BatchId { get; init; }

    /// <summary>Gets the document id to match, or <see langword="null"/> for any.</summary>
    public string? DocumentId { get; init; }

    /// <summary>Gets the maximum number of jobs returned.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;
}
