using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Ingestion;

/// <summary>The vector index as one job attempt writes it (see <see cref="FencedSearchIndex{TIndex}"/>).</summary>
internal sealed class FencedVectorIndex(IVectorIndex inner, FencedDocumentRegistry registry) : FencedSearchIndex<IVectorIndex>(inner, registry), IVectorIndex
{
    public Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default) =>
        WriteAsync(() => Inner.UpsertAsync(records, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<IndexHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken = default) =>
        Inner.SearchAsync(query, topK, cancellationToken);
}
