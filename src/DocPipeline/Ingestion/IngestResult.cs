namespace DocPipeline.Ingestion;

/// <summary>The outcome of an ingestion run.</summary>
public sealed record IngestResult
{
    /// <summary>Gets the number of sources the run considered (files found, plus sources that could not be expanded).</summary>
    public long Total { get; init; }

    /// <summary>Gets the number of documents added.</summary>
    public long Added { get; init; }

    /// <summary>Gets the number of documents updated.</summary>
    public long Updated { get; init; }

    /// <summary>Gets the number of sources skipped: unchanged, unsupported, excluded by the update mode, or whose job was cancelled.</summary>
    public long Skipped { get; init; }

    /// <summary>
    /// Gets the number of this run's jobs that a newer job for the same document replaced before they ran (another run,
    /// in this process or another, asked for the same document): that job did the work, so these are neither skipped
    /// nor failed.
    /// </summary>
    public long Superseded { get; init; }

    /// <summary>Gets the superseded sources, each with the job (and its batch and worker) that took it over (at most 1,000 are kept).</summary>
    public IReadOnlyList<IngestSkip> SupersededBy { get; init; } = [];

    /// <summary>Gets the number of documents removed by cleanup.</summary>
    public long Removed { get; init; }

    /// <summary>Gets the number of sources that failed.</summary>
    public long Failed { get; init; }

    /// <summary>Gets the failures, each with its source and reason (at most 1,000 are kept; <see cref="Failed"/> counts all).</summary>
    public IReadOnlyList<IngestFailure> Failures { get; init; } = [];

    /// <summary>Gets the sources skipped for a reason other than being unchanged (at most 1,000 are kept).</summary>
    public IReadOnlyList<IngestSkip> SkipReasons { get; init; } = [];

    /// <summary>Gets the number of chunk texts sent to the embedder.</summary>
    public long ChunksEmbedded { get; init; }

    /// <summary>Gets the number of chunks whose embedding came from the cache.</summary>
    public long ChunksReused { get; init; }

    /// <summary>Gets why the requested cleanup removed nothing (a full cleanup after a run with failures), or <see langword="null"/>.</summary>
    public string? CleanupSkipped { get; init; }

    /// <summary>Gets how long the run took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// Gets the run's embedding accounting: calls, texts, input tokens (from the service's usage field), rate-limited
    /// answers and the time calls waited on rate limits. Counted for the whole process while the run went on, so runs
    /// that overlap in one process each count the other's calls too.
    /// </summary>
    public Embeddings.EmbeddingStatistics Embedding { get; init; } = Embeddings.EmbeddingStatistics.Empty;
}
