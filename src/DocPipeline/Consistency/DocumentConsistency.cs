namespace DocPipeline.Consistency;

/// <summary>The discrepancies of one document, by index.</summary>
public sealed class DocumentConsistency
{
    /// <summary>Gets the document id.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the discrepancies of each index that has any, by index name.</summary>
    public required IReadOnlyDictionary<string, DiscrepancyCounts> Indexes { get; init; }
}
