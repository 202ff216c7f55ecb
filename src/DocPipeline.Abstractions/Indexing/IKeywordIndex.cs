namespace DocPipeline.Indexing;

/// <summary>A full-text index of chunk text ranked by BM25 (or the backend's equivalent).</summary>
public interface IKeywordIndex : ISearchIndex
{
    /// <summary>Inserts or replaces entries by chunk id.</summary>
    /// <param name="records">The entries.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the entries are durable and searchable.</returns>
    Task UpsertAsync(IReadOnlyList<KeywordRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Finds the <paramref name="topK"/> entries that best match <paramref name="query"/>.</summary>
    /// <param name="query">Free text typed by a user; it is analyzed, never parsed as query syntax.</param>
    /// <param name="topK">The number of hits wanted.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The hits, best first.</returns>
    Task<IReadOnlyList<IndexHit>> SearchAsync(string query, int topK, CancellationToken cancellationToken = default);
}
