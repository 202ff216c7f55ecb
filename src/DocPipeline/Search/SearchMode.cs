namespace DocPipeline.Search;

/// <summary>Which index answers a search.</summary>
public enum SearchMode
{
    /// <summary>Both indexes, ranks fused with reciprocal rank fusion (the default).</summary>
    Hybrid = 0,

    /// <summary>The vector index only: by meaning.</summary>
    Vector = 1,

    /// <summary>The keyword index only: BM25 over words.</summary>
    Keyword = 2,
}
