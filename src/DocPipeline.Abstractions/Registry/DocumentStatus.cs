namespace DocPipeline.Registry;

/// <summary>The state of a document in the registry.</summary>
public enum DocumentStatus
{
    /// <summary>A version is staged and being written to the indexes; the previous version (if any) is still served.</summary>
    Pending = 0,

    /// <summary>The committed version is in every index.</summary>
    Indexed = 1,

    /// <summary>The last attempt to update the document failed; the committed version (if any) is still served.</summary>
    Failed = 2,

    /// <summary>The document is being removed from the indexes.</summary>
    Removing = 3,
}
