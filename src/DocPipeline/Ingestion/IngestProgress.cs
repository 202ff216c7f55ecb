namespace DocPipeline.Ingestion;

/// <summary>A snapshot of a running ingestion.</summary>
/// <param name="Discovered">Sources found so far.</param>
/// <param name="Queued">Sources that became jobs (new or changed).</param>
/// <param name="Added">Documents added.</param>
/// <param name="Updated">Documents updated.</param>
/// <param name="Skipped">Sources skipped (unchanged, unsupported, or excluded by the update mode).</param>
/// <param name="Failed">Sources that failed.</param>
/// <param name="ChunksEmbedded">Chunks sent to the embedder.</param>
/// <param name="DiscoveryComplete">Whether every source has been found.</param>
public readonly record struct IngestProgress(
    long Discovered,
    long Queued,
    long Added,
    long Updated,
    long Skipped,
    long Failed,
    long ChunksEmbedded,
    bool DiscoveryComplete)
{
    /// <summary>Gets the number of sources whose outcome is known.</summary>
    public long Finished => Added + Updated + Skipped + Failed;
}
