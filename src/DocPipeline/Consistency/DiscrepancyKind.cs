namespace DocPipeline.Consistency;

/// <summary>How an index entry differs from the registry.</summary>
internal enum DiscrepancyKind
{
    /// <summary>The registry holds the chunk; the index does not.</summary>
    Missing,

    /// <summary>The index holds an entry for a chunk the registry does not know.</summary>
    Orphaned,

    /// <summary>The index entry carries another version or document than the registry's, or is a second entry for the chunk.</summary>
    Stale,
}
