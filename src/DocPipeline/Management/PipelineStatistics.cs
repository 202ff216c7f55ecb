using DocPipeline.Ingestion;
using DocPipeline.Jobs;

namespace DocPipeline.Management;

/// <summary>Counts and sizes of a DocPipeline data set.</summary>
public sealed record PipelineStatistics
{
    /// <summary>Gets the number of documents with a committed version.</summary>
    public long Documents { get; init; }

    /// <summary>Gets the number of chunks of committed versions (what both indexes should hold).</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the number of entries in the vector index.</summary>
    public long VectorChunks { get; init; }

    /// <summary>Gets the number of entries in the keyword index.</summary>
    public long KeywordChunks { get; init; }

    /// <summary>Gets the bytes the vector index uses, or -1 when unknown.</summary>
    public long VectorBytes { get; init; }

    /// <summary>Gets the bytes the keyword index uses, or -1 when unknown.</summary>
    public long KeywordBytes { get; init; }

    /// <summary>Gets the bytes the registry uses (chunks and embeddings), or -1 when unknown.</summary>
    public long RegistryBytes { get; init; }

    /// <summary>Gets the number of documents in the middle of an update.</summary>
    public long PendingDocuments { get; init; }

    /// <summary>Gets the number of documents whose last update failed (their previous version is still served).</summary>
    public long FailedDocuments { get; init; }

    /// <summary>Gets the number of cached embeddings.</summary>
    public long Embeddings { get; init; }

    /// <summary>Gets the jobs by state.</summary>
    public JobStatusCounts Jobs { get; init; }

    /// <summary>Gets when the most recent job was created, or <see langword="null"/> when there is none.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>Gets the embedder the data was built with (<c>model id:dimensions</c>), or <see langword="null"/>.</summary>
    public string? Embedder { get; init; }

    /// <summary>Gets the most recent failed jobs, newest first (at most 10).</summary>
    public IReadOnlyList<IngestFailure> RecentFailures { get; init; } = [];

    /// <summary>
    /// Gets what a restore that was killed left beside the stores (<c>*.restore-*</c>, <c>*.pre-restore-*</c>, a
    /// <c>restore-*.swapping</c> marker): the next restore settles them, finishing a swap that was under way.
    /// </summary>
    public IReadOnlyList<string> RestoreLeftovers { get; init; } = [];

    /// <summary>Gets the embedding accounting of the data folder over all its runs: calls, texts, input tokens, rate limits met and time waited on them.</summary>
    public DocPipeline.Embeddings.EmbeddingStatistics Embedding { get; init; } = DocPipeline.Embeddings.EmbeddingStatistics.Empty;
}
