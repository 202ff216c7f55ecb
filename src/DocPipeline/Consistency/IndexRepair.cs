namespace DocPipeline.Consistency;

/// <summary>What a repair did to one index (or, in a dry run, would do).</summary>
public sealed class IndexRepair
{
    /// <summary>Gets the index name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of missing or stale entries written again from the stored chunks and embeddings.</summary>
    public long Rewritten { get; init; }

    /// <summary>Gets the number of orphaned chunks deleted.</summary>
    public long Deleted { get; init; }

    /// <summary>Gets a value indicating whether the index could not be read and was rebuilt from the registry (damaged files are moved aside, never deleted).</summary>
    public bool Rebuilt { get; init; }

    /// <summary>Gets the number of fixes skipped because the document changed since it was checked (a job is handling it).</summary>
    public long Skipped { get; init; }

    /// <summary>Gets the number of chunks that cannot be written without re-embedding: their stored embedding is missing.</summary>
    public long Unrepairable { get; init; }

    /// <summary>Gets why the index was left alone (for example: in use by another process), or <see langword="null"/>.</summary>
    public string? Error { get; init; }
}
