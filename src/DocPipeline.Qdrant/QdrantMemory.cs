namespace DocPipeline.Qdrant;

/// <summary>Where a Qdrant collection keeps its vectors and HNSW graph (Qdrant's <c>memory</c> setting).</summary>
public enum QdrantMemory
{
    /// <summary>The server's default.</summary>
    Default,

    /// <summary>On disk, read through the page cache only when needed: the least RAM, the slowest searches.</summary>
    Cold,

    /// <summary>On disk, kept in the page cache while there is room.</summary>
    Cached,

    /// <summary>Held in RAM.</summary>
    Pinned,
}
