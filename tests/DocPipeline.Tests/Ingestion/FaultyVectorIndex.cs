using DocPipeline.Indexing;

namespace DocPipeline.Tests.Ingestion;

/// <summary>The real vector index, failing where the injector says.</summary>
internal sealed class FaultyVectorIndex(IVectorIndex inner, FaultInjector faults) : IVectorIndex, IAsyncDisposable
{
    public ValueTask DisposeAsync() => Disposal.DisposeAsync(inner);

    public string Name => inner.Name;

    public async Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        faults.Written(records.Count);
        await faults.HitAsync(FaultPoint.BeforeVectorWrite);
        await inner.UpsertAsync(records, cancellationToken);
        await faults.HitAsync(FaultPoint.AfterVectorWrite);
    }

    public Task<IReadOnlyList<IndexHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken = default) => inner.SearchAsync(query, topK, cancellationToken);

    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) => inner.DeleteChunksAsync(chunkIds, cancellationToken);

    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) => inner.DeleteDocumentsAsync(documentIds, cancellationToken);

    public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default) => inner.ListEntriesAsync(cancellationToken);

    public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => inner.GetStatisticsAsync(cancellationToken);

    public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
}
