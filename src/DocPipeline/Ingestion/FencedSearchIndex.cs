using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Ingestion;

/// <summary>
/// An index as one job attempt writes it: before each write, the attempt checks that it still owns the document
/// (<see cref="FencedDocumentRegistry.EnsureHeldAsync"/>), so a worker that lost its lease stops before touching the
/// index. An index cannot take part in the registry's transaction: a write already past the check when another worker
/// takes the document over still lands (the README's "Durable job queue" says what that leaves and how verify and
/// repair find it).
/// </summary>
internal abstract class FencedSearchIndex<TIndex>(TIndex inner, FencedDocumentRegistry registry) : ISearchIndex
    where TIndex : ISearchIndex
{
    /// <summary>Gets the index written to.</summary>
    protected TIndex Inner => inner;

    public string Name => inner.Name;

    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.DeleteChunksAsync(chunkIds, cancellationToken), cancellationToken);

    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.DeleteDocumentsAsync(documentIds, cancellationToken), cancellationToken);

    public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default) => inner.ListEntriesAsync(cancellationToken);

    public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => inner.GetStatisticsAsync(cancellationToken);

    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("A job never clears an index.");

    /// <summary>Runs <paramref name="write"/> unless the attempt no longer owns the document (then throws <see cref="Jobs.JobLeaseLostException"/>).</summary>
    protected async Task WriteAsync(Func<Task> write, CancellationToken cancellationToken)
    {
        await registry.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
        await write().ConfigureAwait(false);
    }
}
