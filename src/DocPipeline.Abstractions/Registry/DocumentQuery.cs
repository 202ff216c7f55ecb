namespace DocPipeline.Registry;

/// <summary>A filter and page for listing documents, ordered by document id.</summary>
public sealed class DocumentQuery
{
    /// <summary>The largest <see cref="Limit"/> a query may ask for, so that one answer stays bounded in memory.</summary>
    public const int MaxLimit = 100_000;

    private readonly DocumentStatus? _status;
    private readonly int _limit = 100;

    /// <summary>Gets a glob (<c>*</c>, <c>?</c>) matched against the source or the document id, or <see langword="null"/> for all.</summary>
    public string? Filter { get; init; }

    /// <summary>Gets the status to match, or <see langword="null"/> for any.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a member of <see cref="DocumentStatus"/>.</exception>
    public DocumentStatus? Status
    {
        get => _status;
        init => _status = QueryRules.Defined("DocumentQuery.Status", value);
    }

    /// <summary>Gets the document id after which the page starts (keyset paging), or <see langword="null"/> for the first page.</summary>
    public string? After { get; init; }

    /// <summary>Gets the maximum number of documents returned.</summary>
    /// <value>The default value is 100.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to <see cref="MaxLimit"/>.</exception>
    public int Limit
    {
        get => _limit;
        init => _limit = QueryRules.Limit("DocumentQuery.Limit", value, MaxLimit);
    }
}
