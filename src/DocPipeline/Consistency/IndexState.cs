namespace DocPipeline.Consistency;

/// <summary>Whether an index can be used, as found at startup or before a repair.</summary>
internal enum IndexState
{
    /// <summary>The index opened.</summary>
    Healthy,

    /// <summary>Another process (or another container in this one) holds the index's lock: not damage, nothing to rebuild.</summary>
    InUse,

    /// <summary>The index cannot be opened: files are missing or damaged. It can be rebuilt from the registry.</summary>
    Damaged,

    /// <summary>An index of another kind (a server) failed; DocPipeline does not rebuild it on its own.</summary>
    Unavailable,
}
