namespace DocPipeline.Tests.Consistency;

/// <summary>How closely <see cref="ConsistencyCorpus.SearchAllAsync"/> results must match.</summary>
internal enum SearchComparison
{
    /// <summary>
    /// The same chunks match; vector scores are equal. Keyword scores may move: Lucene keeps counting deleted entries in
    /// its BM25 statistics until segments merge, and a repair deletes some.
    /// </summary>
    Matches,

    /// <summary>
    /// The same chunks with the same scores. Their order among equal scores is not compared: Lucene breaks ties by
    /// document order, which a rebuild changes, and so does a background merge between a search and a backup.
    /// </summary>
    Scores,
}
