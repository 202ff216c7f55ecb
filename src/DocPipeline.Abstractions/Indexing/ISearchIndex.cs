namespace DocPipeline.Indexing;

/// <summary>What every index offers: delete, list, count and clear. Each index is a projection of the document registry.</summary>
/// <remarks>
/// Writes are idempotent, and a write's task completes only when the change is durable and visible to searches.
/// </remarks>
public interface ISearchIndex
{
    /// <summary>Gets the short name of the index role (<c>vector</c> or <c>keyword</c>), used in reports.</summary>
    string Name { get; }

    /// <summary>Deletes chunks by id; unknown ids are ignored.</summary>
    /// <param name="chunkIds">The chunk ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default);

    /// <summary>Deletes every chunk of the given documents.</summary>
    /// <param name="documentIds">The document ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default);

    /// <summary>Streams every entry (chunk id, document id, version), in no particular order.</summary>
    /// <param name="cancellationToken">A token to cancel the enumeration.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams every entry in ordinal chunk id order, when the index can do that without sorting (for example from a
    /// sorted term dictionary or an ordered query). Verify then streams it against the registry as it reads; when this
    /// returns <see langword="null"/> (the default), verify sorts <see cref="ListEntriesAsync"/> itself, in bounded
    /// memory with runs on disk.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the enumeration.</param>
    /// <returns>The entries in <see cref="StringComparer.Ordinal"/> order of their chunk ids, or <see langword="null"/>.</returns>
    IAsyncEnumerable<IndexEntry>? ListEntriesInOrder(CancellationToken cancellationToken = default) => null;

    /// <summary>Gets size figures.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The figures.</returns>
    Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes every entry.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the index is empty and that is durable.</returns>
    Task ClearAsync(CancellationToken cancellationToken = default);
}
