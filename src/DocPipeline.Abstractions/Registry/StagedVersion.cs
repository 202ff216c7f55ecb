namespace DocPipeline.Registry;

/// <summary>A new version of a document, stored before it is written to any index.</summary>
public sealed record StagedVersion
{
    /// <summary>Gets the document id.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the source the version was built from.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the version number; it must be greater than the committed version.</summary>
    public required int Version { get; init; }

    /// <summary>Gets the SHA-256 of the content.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Gets the metadata hash.</summary>
    public string? MetadataHash { get; init; }

    /// <summary>Gets the document metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the chunks of the version, in order.</summary>
    public required IReadOnlyList<ChunkRecord> Chunks { get; init; }

    /// <summary>Gets the embedding model the new embeddings belong to.</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>Gets embeddings computed for this version, by chunk text hash, stored in the embedding cache in the same step.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<float>> NewEmbeddings { get; init; } = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
}
