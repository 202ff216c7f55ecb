namespace DocPipeline.Indexing;

/// <summary>The identity of one chunk as an index holds it.</summary>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document the chunk belongs to.</param>
/// <param name="Version">The document version the index entry was written for.</param>
public readonly record struct IndexEntry(string ChunkId, string DocumentId, int Version);
