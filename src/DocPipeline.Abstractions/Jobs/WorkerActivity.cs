namespace DocPipeline.Jobs;

/// <summary>What a worker finished in one time slot of <see cref="SlotSeconds"/> seconds: the data of throughput over 1, 5 and 15 minutes.</summary>
/// <param name="Slot">The start of the slot.</param>
/// <param name="Completed">Jobs completed in the slot.</param>
/// <param name="Failed">Jobs that failed for good in the slot.</param>
/// <param name="ChunksEmbedded">Chunk texts embedded in the slot.</param>
/// <param name="ChunksReused">Chunks whose embedding came from the cache in the slot.</param>
public sealed record WorkerActivity(DateTimeOffset Slot, long Completed, long Failed, long ChunksEmbedded, long ChunksReused)
{
    /// <summary>The length of a slot in seconds.</summary>
    public const int SlotSeconds = 10;
}
