using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Ingestion;

/// <summary>The keyword index as one job attempt writes it (see <see cref="FencedSearchIndex{TIndex}"/>).</summary>
internal sealed class FencedKeywordIndex(IKeywordIndex inner, FencedDocumentRegistry registry) : FencedSearchIndex<IKeywordIndex>(inner, registry), IKeywordIndex
{
    public Task UpsertAsync(IReadOnlyList<KeywordRecord> records, CancellationToken cancellationToken = default) =>
        WriteAsync(() => Inner.UpsertAsync(records, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<IndexHit>> SearchAsync(string query, int topK, CancellationToken cancellationToken = default) =>
        Inner.SearchAsync(query, topK, cancellationToken);
}
