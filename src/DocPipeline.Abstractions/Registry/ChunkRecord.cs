namespace DocPipeline.Registry;

/// <summary>A stored chunk: the artifact every index entry is rebuilt from.</summary>
public sealed record ChunkRecord
{
    /// <summary>Gets the chunk id (unique across documents; the key in every index).</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the document the chunk belongs to.</summary>
    public required string DocumentId { get; init; }

    /// <summary>
    /// Gets the document version at which this chunk's index entry was last written. A chunk carried unchanged into
    /// a new document version keeps its revision, so its index entries need no rewrite.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>Gets the 0-based position of the chunk in its document version.</summary>
    public int Ordinal { get; init; }

    /// <summary>Gets the chunk text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the SHA-256 of <see cref="Text"/> (lower-case hex): the embedding cache key.</summary>
    public required string TextHash { get; init; }

    /// <summary>Gets the offset of the chunk's first character in the document text.</summary>
    public int StartOffset { get; init; }

    /// <summary>Gets the offset just past the chunk's last character in the document text.</summary>
    public int EndOffset { get; init; }

    /// <summary>Gets the page the chunk starts on, if the format has pages.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the metadata written with the chunk's index entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
