using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace DocPipeline.Tests.Consistency;

/// <summary>The checker over the in-memory registry and indexes, and the Lucene reader on indexes written before the version doc value.</summary>
public sealed class ConsistencyCheckerTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task VerifyAsync_RegistryListingInAnotherOrder_SortsItAndReportsTheRealDifferences()
    {
        // The in-memory registry sorts UTF-16 code units: U+FFFD before U+1F600 is the other way round in UTF-8.
        var registry = new InMemoryDocumentRegistry(TimeProvider.System);
        var vector = new InMemoryVectorIndex();
        using var keyword = new LuceneKeywordIndex(new LuceneKeywordIndexSettings(null, TimeSpan.FromSeconds(1), 16), TimeProvider.System);
        string[] ids = ["doc#\uFFFD", "doc#\U0001F600", "doc#a", "doc#\uE000"];
        await StoreAsync(registry, vector, keyword, "doc", ids);
        await vector.DeleteChunksAsync(["doc#\U0001F600"]);
        await keyword.UpsertAsync([new KeywordRecord { ChunkId = "doc#\U0001F601", DocumentId = "doc", Version = 1, Text = "orphan" }]);
        var checker = new ConsistencyChecker(registry, [vector, keyword], _directory.File("tmp"), TimeProvider.System, runLength: 2);

        var report = await checker.VerifyAsync(CancellationToken.None);

        Assert.Equal(4, report.RegistryChunks);
        Assert.Equal(new DiscrepancyCounts(1, 0, 0), report.Indexes["vector"].Discrepancies);
        Assert.Equal(new DiscrepancyCounts(0, 1, 0), report.Indexes["keyword"].Discrepancies);
        Assert.Equal(["doc"], report.Documents.Select(d => d.DocumentId));
    }

    [Fact]
    public async Task VerifyAsync_IndexThatListsInOrder_StreamsItsOrderedEntriesWithoutSorting()
    {
        var registry = new InMemoryDocumentRegistry(TimeProvider.System);
        var vector = new InMemoryVectorIndex();
        using var keyword = new LuceneKeywordIndex(new LuceneKeywordIndexSettings(null, TimeSpan.FromSeconds(1), 16), TimeProvider.System);
        await StoreAsync(registry, vector, keyword, "doc", ["doc#1", "doc#2", "doc#3"]);
        await vector.DeleteChunksAsync(["doc#2"]);
        var ordered = new OrderedOnlyIndex(vector);
        var checker = new ConsistencyChecker(registry, [ordered, keyword], _directory.File("tmp"), TimeProvider.System);

        var report = await checker.VerifyAsync(CancellationToken.None);

        Assert.True(ordered.ListedInOrder);
        Assert.Equal(new DiscrepancyCounts(1, 0, 0), report.Indexes["vector"].Discrepancies);
        Assert.Equal(new DiscrepancyCounts(0, 0, 0), report.Indexes["keyword"].Discrepancies);
    }

    /// <summary>A third-party index that streams its entries in chunk id order and refuses the unordered listing.</summary>
    private sealed class OrderedOnlyIndex(InMemoryVectorIndex inner) : ISearchIndex
    {
        public bool ListedInOrder { get; private set; }

        public string Name => inner.Name;

        public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) => inner.DeleteChunksAsync(chunkIds, cancellationToken);

        public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) => inner.DeleteDocumentsAsync(documentIds, cancellationToken);

        public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Verify must use the ordered listing.");

        public IAsyncEnumerable<IndexEntry>? ListEntriesInOrder(CancellationToken cancellationToken = default)
        {
            ListedInOrder = true;
            return SortedAsync(cancellationToken);
        }

        public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => inner.GetStatisticsAsync(cancellationToken);

        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);

        private async IAsyncEnumerable<IndexEntry> SortedAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var entries = new List<IndexEntry>();
            await foreach (var entry in inner.ListEntriesAsync(cancellationToken))
            {
                entries.Add(entry);
            }

            foreach (var entry in entries.OrderBy(e => e.ChunkId, StringComparer.Ordinal))
            {
                yield return entry;
            }
        }
    }

    [Fact]
    public async Task RepairAsync_InMemoryStores_FixesThemFromTheRegistry()
    {
        var registry = new InMemoryDocumentRegistry(TimeProvider.System);
        var vector = new InMemoryVectorIndex();
        using var keyword = new LuceneKeywordIndex(new LuceneKeywordIndexSettings(null, TimeSpan.FromSeconds(1), 16), TimeProvider.System);
        await StoreAsync(registry, vector, keyword, "doc", ["doc#1", "doc#2", "doc#3"]);
        await vector.ClearAsync();
        await keyword.UpsertAsync([new KeywordRecord { ChunkId = "doc#2", DocumentId = "doc", Version = 9, Text = "stale" }]);
        var checker = new ConsistencyChecker(registry, [vector, keyword], _directory.File("tmp"), TimeProvider.System);
        var writer = new ArtifactWriter(registry, registry);
        IndexRepairer? repairer = null;

        var before = (await checker.ScanAsync(_ => repairer = new IndexRepairer(registry, checker.Indexes, writer), CancellationToken.None)).Report;
        var after = await checker.VerifyAsync(CancellationToken.None);

        Assert.Equal(new DiscrepancyCounts(3, 0, 0), before.Indexes["vector"].Discrepancies);
        Assert.Equal(new DiscrepancyCounts(0, 0, 1), before.Indexes["keyword"].Discrepancies);
        Assert.Equal(3, repairer!.Result(0).Rewritten);
        Assert.Equal(1, repairer.Result(1).Rewritten);
        Assert.True(after.IsConsistent);
    }

    [Fact]
    public async Task LuceneSortedEntries_IndexWrittenWithoutVersionDocValues_ReadsVersionsFromStoredFields()
    {
        var folder = _directory.File("old-keyword");
        using (var directory = FSDirectory.Open(folder))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new KeywordAnalyzer())))
        {
            foreach (var (chunk, document, version) in new[] { ("b#2", "b", 3), ("a#1", "a", 1), ("b#1", "b", 2) })
            {
                writer.AddDocument(new Document
                {
                    new StringField(KeywordFields.ChunkId, chunk, Field.Store.YES),
                    new StringField(KeywordFields.DocumentId, document, Field.Store.YES),
                    new StoredField(KeywordFields.Version, version),
                    new TextField(KeywordFields.Text, "old text", Field.Store.NO),
                });
            }

            writer.Commit();
        }

        using var index = new LuceneKeywordIndex(new LuceneKeywordIndexSettings(folder, TimeSpan.FromSeconds(1), 16), TimeProvider.System);
        await index.UpsertAsync([new KeywordRecord { ChunkId = "a#0", DocumentId = "a", Version = 5, Text = "new text" }]);
        var entries = new List<IndexEntry>();
        await foreach (var entry in LuceneSortedEntries.ReadAsync(index, CancellationToken.None))
        {
            entries.Add(entry);
        }

        Assert.Equal([new("a#0", "a", 5), new("a#1", "a", 1), new("b#1", "b", 2), new("b#2", "b", 3)], entries);
    }

    private static async Task StoreAsync(InMemoryDocumentRegistry registry, IVectorIndex vector, IKeywordIndex keyword, string documentId, string[] chunkIds)
    {
        var chunks = chunkIds.Select((id, i) => new ChunkRecord
        {
            ChunkId = id,
            DocumentId = documentId,
            Revision = 1,
            Ordinal = i,
            Text = "text " + i,
            TextHash = "hash" + i,
        }).ToList();
        await registry.SetSettingAsync(RegistrySettings.Embedder, "model:2");
        await registry.StageAsync(new StagedVersion
        {
            DocumentId = documentId,
            Source = "/docs/" + documentId,
            Version = 1,
            ContentHash = "c",
            Chunks = chunks,
            EmbeddingModel = "model:2",
            NewEmbeddings = chunks.ToDictionary(c => c.TextHash, c => (ReadOnlyMemory<float>)new float[] { 1, c.Ordinal }),
        });
        await vector.UpsertAsync(chunks.Select(c => new VectorRecord { ChunkId = c.ChunkId, DocumentId = documentId, Version = 1, Vector = new float[] { 1, c.Ordinal } }).ToList());
        await keyword.UpsertAsync(chunks.Select(c => new KeywordRecord { ChunkId = c.ChunkId, DocumentId = documentId, Version = 1, Text = c.Text }).ToList());
        await registry.CommitAsync(documentId, 1);
    }
}
