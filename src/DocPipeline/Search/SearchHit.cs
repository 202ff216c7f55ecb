namespace DocPipeline.Search;

/// <summary>One search result: a chunk of a document.</summary>
public sealed record SearchHit
{
    /// <summary>Gets the document id.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the source of the document.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the chunk id.</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the chunk text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the page the chunk starts on, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the score the results are ordered by: cosine similarity (vector), BM25 (keyword), or the fused RRF score (hybrid).</summary>
    public double Score { get; init; }

    /// <summary>Gets the cosine similarity, when the vector index returned the chunk.</summary>
    public double? VectorScore { get; init; }

    /// <summary>Gets the BM25 score, when the keyword index returned the chunk.</summary>
    public double? KeywordScore { get; init; }
}
