namespace DocPipeline.Consistency;

/// <summary>How far one index is from the registry for one document (or in total).</summary>
/// <param name="Missing">Chunks the registry holds and the index lacks.</param>
/// <param name="Orphaned">Entries the index holds for chunks the registry does not know.</param>
/// <param name="Stale">Entries written for another version than the registry's (or for another document, or twice).</param>
public readonly record struct DiscrepancyCounts(long Missing, long Orphaned, long Stale)
{
    /// <summary>Gets a value indicating whether there is nothing to fix.</summary>
    public bool IsEmpty => Missing == 0 && Orphaned == 0 && Stale == 0;
}
