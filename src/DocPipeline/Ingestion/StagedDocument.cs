using DocPipeline.Registry;

namespace DocPipeline.Ingestion;

/// <summary>A version stored in the registry and not yet written to the indexes.</summary>
/// <param name="DocumentId">The document id.</param>
/// <param name="Version">The staged version.</param>
/// <param name="Chunks">The version's chunks, or <see langword="null"/> when they are read back from the registry in batches (a large version, or a resumed job).</param>
/// <param name="Embeddings">Embeddings known in memory, by text hash (the rest are read from the cache when needed).</param>
/// <param name="Embedded">How many chunk texts were sent to the embedder.</param>
/// <param name="Reused">How many chunks took their embedding from the cache.</param>
internal sealed record StagedDocument(
    string DocumentId,
    int Version,
    IReadOnlyList<ChunkRecord>? Chunks,
    IReadOnlyDictionary<string, ReadOnlyMemory<float>> Embeddings,
    int Embedded,
    int Reused);
