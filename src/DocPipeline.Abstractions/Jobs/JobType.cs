namespace DocPipeline.Jobs;

/// <summary>What a job does to its document.</summary>
public enum JobType
{
    /// <summary>Index a document that is not in the indexes yet (or decide at run time when unsure).</summary>
    Add = 0,

    /// <summary>Replace the indexed version of a document with its current content.</summary>
    Update = 1,

    /// <summary>Remove a document and all of its chunks from every index and the registry.</summary>
    Remove = 2,
}
