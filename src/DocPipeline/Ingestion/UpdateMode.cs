namespace DocPipeline.Ingestion;

/// <summary>What an ingestion run does with sources that are new, changed or already indexed.</summary>
public enum UpdateMode
{
    /// <summary>Add new documents and update changed ones (the default).</summary>
    Auto = 0,

    /// <summary>Add new documents; leave indexed ones as they are even when their source changed.</summary>
    AddOnly = 1,

    /// <summary>Update changed documents that are already indexed; do not add new ones.</summary>
    UpdateOnly = 2,

    /// <summary>
    /// Add new documents; skip every source that already has a document without looking at it (no stat, no hash):
    /// the cheapest way to top up a large corpus.
    /// </summary>
    SkipExisting = 3,
}
