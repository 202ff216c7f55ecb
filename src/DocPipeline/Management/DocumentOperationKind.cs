namespace DocPipeline.Management;

/// <summary>What a document operation does.</summary>
public enum DocumentOperationKind
{
    /// <summary>Index a file (a no-op when it is indexed and unchanged; an update when it changed).</summary>
    Add = 0,

    /// <summary>Re-index a document from a file, which may be another file than its current source.</summary>
    Update = 1,

    /// <summary>Remove a document and every one of its chunks from both indexes and the registry.</summary>
    Remove = 2,
}
