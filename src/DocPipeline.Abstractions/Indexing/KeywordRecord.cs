namespace DocPipeline.Indexing;

/// <summary>One chunk to write into a keyword index.</summary>
public sealed class KeywordRecord
{
    /// <summary>Gets the chunk id (the index key).</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the document the chunk belongs to.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the document version this entry is written for.</summary>
    public int Version { get; init; }

    /// <summary>Gets the chunk text to index.</summary>
    public required string Text { get; init; }

    /// <summary>Gets metadata stored with the entry (source, page, user metadata).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
