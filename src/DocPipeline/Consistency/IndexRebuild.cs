namespace DocPipeline.Consistency;

/// <summary>What a rebuild wrote into one index.</summary>
public sealed class IndexRebuild
{
    /// <summary>Gets the index name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of documents written.</summary>
    public long Documents { get; init; }

    /// <summary>Gets the number of chunks written.</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the number of chunks left out because their stored embedding is missing (they would need re-embedding).</summary>
    public long Unrepairable { get; init; }

    /// <summary>Gets where the files of an index that could not be opened were moved, or <see langword="null"/> when it was cleared in place.</summary>
    public string? MovedAside { get; init; }
}
