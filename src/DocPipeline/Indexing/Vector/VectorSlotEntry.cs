namespace DocPipeline.Indexing.Vector;

/// <summary>One live entry of the embedded vector index: the chunk, its document and version, and the slot holding its vector.</summary>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document the chunk belongs to.</param>
/// <param name="Version">The document version the entry was written for.</param>
/// <param name="Slot">The slot of the vector file that holds the chunk's unit-length vector.</param>
internal sealed record VectorSlotEntry(string ChunkId, string DocumentId, int Version, int Slot);
