namespace DocPipeline.Migration;

/// <summary>Progress and outcome of an embedder migration, as <see cref="IEmbedderMigration"/> reports it.</summary>
public sealed class EmbedderMigrationStatus
{
    /// <summary>Gets where the migration stands.</summary>
    public EmbedderMigrationState State { get; init; }

    /// <summary>Gets the embedder the data folder records now (<c>model id:dimensions</c>): searches and ingestion use it.</summary>
    public string? ServingEmbedder { get; init; }

    /// <summary>Gets the vector generation that serves (<see langword="null"/>: the original index).</summary>
    public string? ServingGeneration { get; init; }

    /// <summary>Gets the embedder the migration comes from.</summary>
    public string? SourceEmbedder { get; init; }

    /// <summary>Gets the embedder the migration goes to.</summary>
    public string? TargetEmbedder { get; init; }

    /// <summary>Gets the generation built for <see cref="TargetEmbedder"/>.</summary>
    public string? TargetGeneration { get; init; }

    /// <summary>Gets whether the generation that does not serve is still kept (a rollback or a switch back is instant).</summary>
    public bool OtherGenerationKept { get; init; }

    /// <summary>Gets the documents whose chunks are in the new generation.</summary>
    public long DocumentsDone { get; init; }

    /// <summary>Gets the chunks written into the new generation.</summary>
    public long ChunksDone { get; init; }

    /// <summary>Gets the chunks the migration had to embed (the rest came from the embedding cache).</summary>
    public long ChunksEmbedded { get; init; }

    /// <summary>Gets the chunks the registry held when the migration started (or resumed).</summary>
    public long ChunksTotal { get; init; }

    /// <summary>Gets the estimated time left of the build, when it runs and the rate is known.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Gets when the migration started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the migration record last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Gets when the new embedder last became the serving one.</summary>
    public DateTimeOffset? SwitchedAt { get; init; }
}
