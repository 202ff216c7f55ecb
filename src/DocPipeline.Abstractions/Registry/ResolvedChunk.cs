namespace DocPipeline.Registry;

/// <summary>A chunk with the source of its document, as search hits show it.</summary>
/// <param name="Chunk">The chunk.</param>
/// <param name="Source">The source of the chunk's document.</param>
public sealed record ResolvedChunk(ChunkRecord Chunk, string Source);
