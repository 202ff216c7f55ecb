namespace DocPipeline.Jobs;

/// <summary>A filter for listing jobs. Results are ordered newest first.</summary>
public sealed class JobQuery
{
    /// <summary>The largest <see cref="Limit"/> a query may ask for, so that one answer stays bounded in memory.</summary>
    public const int MaxLimit = 100_000;

    private readonly JobStatus? _status;
    private readonly int _limit = 100;

    /// <summary>Gets the status to match, or <see langword="null"/> for any.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a member of <see cref="JobStatus"/>.</exception>
    public JobStatus? Status
    {
        get => _status;
        init => _status = QueryRules.Defined("JobQuery.Status", value);
    }

    /// <summary>Gets the batch id to match, or <see langword="null"/> for any.</summary>
    public string? BatchId { get; init; }

    /// <summary>Gets the document id to match, or <see langword="null"/> for any.</summary>
    public string? DocumentId { get; init; }

    /// <summary>Gets the maximum number of jobs returned.</summary>
    /// <value>The default value is 100.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to <see cref="MaxLimit"/>.</exception>
    public int Limit
    {
        get => _limit;
        init => _limit = QueryRules.Limit("JobQuery.Limit", value, MaxLimit);
    }
}
