namespace DocPipeline.Maintenance;

/// <summary>Whether a store can be used.</summary>
public enum StoreHealthState
{
    /// <summary>The store opens and answers.</summary>
    Healthy,

    /// <summary>
    /// The store's storage is missing (an empty or absent folder, a volume not mounted): opening it would create it
    /// empty. When the other stores hold data, the pipeline refuses to start rather than search an empty store.
    /// </summary>
    Missing,

    /// <summary>The store's files cannot be read (damaged); it can be restored or rebuilt.</summary>
    Damaged,

    /// <summary>Another process holds the store; it is that process's to check.</summary>
    InUse,

    /// <summary>The store cannot be reached now (a server down); nothing is known to be lost.</summary>
    Unavailable,
}
