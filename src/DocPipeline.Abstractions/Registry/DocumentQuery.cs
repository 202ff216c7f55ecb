namespace DocPipeline.Registry;

/// <summary>A filter and page for listing documents, ordered by document id.</summary>
public sealed class DocumentQuery
{
    /// <summary>Gets a glob (<c>*</c>, <c>?</c>) matched against the source or the document id, or <see langword="null"/> for all.</summary>
    public string? Filter { get; init; }

    /// <summary>Gets the status to match, or <see langword="null"/> for any.</summary>
    public DocumentStatus? Status { get; init; }

    /// <summary>Gets the document id after which the page starts (keyset paging), or <see langword="null"/> for the first page.</summary>
    public string? After { get; init; }

    /// <summary>Gets the maximum number of documents returned.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;
}
