namespace DocPipeline.Tests.Consistency;

/// <summary>How closely <see cref="ConsistencyCorpus.SearchAllAsync"/> results must match.</summary>
internal enum SearchComparison
{
    /// <summary>
    /// The same chunks match; vector scores are equal. Keyword scores may move: Lucene keeps counting deleted entries in
    /// its BM25 statistics until segments merge, and a repair deletes some.
    /// </summary>
    Matches,

    /// <summary>The same chunks with the same scores (a rebuild writes the same entries in another order).</summary>
    Scores,

    /// <summary>Also hybrid results in their exact order (stores copied byte for byte, as a restore does).</summary>
    Exact,
}
