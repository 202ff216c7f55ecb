namespace DocPipeline.Registry;

/// <summary>One chunk as the registry expects the indexes to hold it (used by verify).</summary>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document id.</param>
/// <param name="Revision">The version the index entry must carry.</param>
public readonly record struct RegistryEntry(string ChunkId, string DocumentId, int Revision);
