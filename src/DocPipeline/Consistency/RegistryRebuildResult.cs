namespace DocPipeline.Consistency;

/// <summary>What <see cref="IIndexMaintenance.RebuildRegistryAsync"/> recovered, and what it could not.</summary>
public sealed record RegistryRebuildResult
{
    /// <summary>Gets the documents recovered: id, source, version, metadata, content hash, and which version each index holds.</summary>
    public long Documents { get; init; }

    /// <summary>Gets the chunks recovered with their text, position, revision and metadata.</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the embeddings put back into the embedding cache from the vector index (so nothing indexed is embedded again).</summary>
    public long Embeddings { get; init; }

    /// <summary>Gets the embedder recorded for the data folder (<c>model id:dimensions</c>).</summary>
    public required string Embedder { get; init; }

    /// <summary>Gets how many documents of the indexes could not be recovered.</summary>
    public long NotRecoveredCount { get; init; }

    /// <summary>Gets the documents that could not be recovered, with the reason (the first 1,000).</summary>
    public IReadOnlyList<UnrecoveredDocument> NotRecovered { get; init; } = [];

    /// <summary>Gets what a rebuild cannot recover from the indexes and where it came from instead, in sentences.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets where the registry file that was replaced (corrupt or empty) was moved, or <see langword="null"/> when there was none.</summary>
    public string? MovedAside { get; init; }

    /// <summary>Gets a verify of the indexes against the rebuilt registry.</summary>
    public required ConsistencyReport After { get; init; }

    /// <summary>Gets how long the rebuild took.</summary>
    public TimeSpan Duration { get; init; }
}
