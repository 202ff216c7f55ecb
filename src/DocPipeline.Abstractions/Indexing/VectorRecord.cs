namespace DocPipeline.Indexing;

/// <summary>One chunk to write into a vector index.</summary>
public sealed class VectorRecord
{
    /// <summary>Gets the chunk id (the index key).</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the document the chunk belongs to.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the document version this entry is written for.</summary>
    public int Version { get; init; }

    /// <summary>Gets the embedding.</summary>
    public required ReadOnlyMemory<float> Vector { get; init; }

    /// <summary>Gets metadata stored with the entry (source, page, user metadata).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
