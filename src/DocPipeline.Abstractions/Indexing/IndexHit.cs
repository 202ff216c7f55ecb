namespace DocPipeline.Indexing;

/// <summary>One search result from a single index.</summary>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document the chunk belongs to.</param>
/// <param name="Version">The document version the entry was written for.</param>
/// <param name="Score">The index's own score (cosine similarity for vectors, BM25 for keywords); higher is better.</param>
public sealed record IndexHit(string ChunkId, string DocumentId, int Version, double Score);
