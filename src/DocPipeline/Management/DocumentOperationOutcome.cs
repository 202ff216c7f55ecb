namespace DocPipeline.Management;

/// <summary>What happened to one document operation.</summary>
public enum DocumentOperationOutcome
{
    /// <summary>The document was added.</summary>
    Added = 0,

    /// <summary>The document was re-indexed (only chunks whose text changed were embedded).</summary>
    Updated = 1,

    /// <summary>The document was already indexed with the same content and metadata; nothing was written.</summary>
    Unchanged = 2,

    /// <summary>The document was removed.</summary>
    Removed = 3,

    /// <summary>A later operation on the same document in the same call replaced this one.</summary>
    Superseded = 4,

    /// <summary>The operation failed; see the error. The document's served version (if any) is unchanged.</summary>
    Failed = 5,
}
