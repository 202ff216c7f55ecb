using DocPipeline.Indexing;

namespace DocPipeline.Tests.Indexing.Keyword;

/// <summary>A keyword index that holds nothing: a stand-in type for registration tests.</summary>
public sealed class NullKeywordIndex : IKeywordIndex
{
    public string Name => "keyword";

    public Task UpsertAsync(IReadOnlyList<KeywordRecord> records, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<IndexHit>> SearchAsync(string query, int topK, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<IndexHit>>([]);

    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default) => AsyncEnumerable.Empty<IndexEntry>();

    public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => Task.FromResult(new IndexStatistics(0, 0, 0));

    public Task ClearAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
