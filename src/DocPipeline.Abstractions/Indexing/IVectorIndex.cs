namespace DocPipeline.Indexing;

/// <summary>An index of chunk embeddings searched by cosine similarity. It receives vectors, never text.</summary>
public interface IVectorIndex : ISearchIndex
{
    /// <summary>Inserts or replaces entries by chunk id.</summary>
    /// <param name="records">The entries. Every vector must have the index's dimensions.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the entries are durable and searchable.</returns>
    Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Finds the <paramref name="topK"/> entries most similar to <paramref name="query"/>.</summary>
    /// <param name="query">The query embedding.</param>
    /// <param name="topK">The number of hits wanted.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The hits, best first, with cosine similarity as the score.</returns>
    Task<IReadOnlyList<IndexHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken = default);
}
