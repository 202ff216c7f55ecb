using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Consistency;

/// <summary>Verify, repair and rebuild on a real pipeline (SQLite registry, Lucene, the on-disk vector index) over the sample corpus.</summary>
public sealed class IndexMaintenanceTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task VerifyAsync_AfterIngest_ReportsEveryIndexConsistent()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var registry = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync();

        Assert.True(report.IsConsistent);
        Assert.Equal(registry.Chunks, report.RegistryChunks);
        Assert.Empty(report.Documents);
        Assert.Empty(report.PendingDocuments);
        foreach (var name in (string[])["vector", "keyword"])
        {
            var index = report.Indexes[name];
            Assert.Equal(registry.Chunks, index.Expected);
            Assert.Equal(registry.Chunks, index.Entries);
            Assert.False(index.CountMismatch);
            Assert.True(index.Discrepancies.IsEmpty);
            Assert.Null(index.Error);
        }
    }

    [Fact]
    public async Task VerifyAsync_EachIndexDamagedDifferently_ReportsExactlyThatDamage()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var damage = await DamageAsync(pipeline);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync();

        Assert.False(report.IsConsistent);
        var vector = report.Indexes["vector"];
        Assert.Equal(new DiscrepancyCounts(Missing: 2, Orphaned: 0, Stale: 1), vector.Discrepancies);
        Assert.Equal([damage.Lighthouse, damage.Sourdough], vector.Documents.Order(StringComparer.Ordinal));
        Assert.True(vector.CountMismatch);
        Assert.Equal(vector.Expected - 2, vector.Entries);
        var keyword = report.Indexes["keyword"];
        Assert.Equal(new DiscrepancyCounts(Missing: 0, Orphaned: 3, Stale: 1), keyword.Discrepancies);
        Assert.Equal(new[] { "ghost-document", damage.Tides }.Order(StringComparer.Ordinal), keyword.Documents);
        Assert.Equal(keyword.Expected + 3, keyword.Entries);
        Assert.Equal(4, report.DocumentCount);
        var ghost = Assert.Single(report.Documents, d => d.DocumentId == "ghost-document");
        Assert.Equal(new DiscrepancyCounts(0, 3, 0), Assert.Single(ghost.Indexes, i => i.Key == "keyword").Value);
        Assert.Equal(new DiscrepancyCounts(2, 0, 0), report.Documents.Single(d => d.DocumentId == damage.Lighthouse).Indexes["vector"]);
    }

    [Fact]
    public async Task VerifyAsync_LuceneSegmentFilesDeleted_ReportsTheKeywordIndexUnreadable()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(docs);
        }

        DeleteSegmentFiles();
        await using var pipeline = new TestPipeline(_directory);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync();

        Assert.False(report.IsConsistent);
        Assert.True(report.Indexes["vector"].IsConsistent);
        var keyword = report.Indexes["keyword"];
        Assert.NotNull(keyword.Error);
        Assert.Contains(_directory.File("data/keyword"), keyword.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepairAsync_DryRun_ListsWhatItWouldDoAndChangesNothing()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        await DamageAsync(pipeline);
        var vectorBefore = await ConsistencyCorpus.EntriesAsync(pipeline.Get<IVectorIndex>());
        var keywordBefore = await ConsistencyCorpus.EntriesAsync(pipeline.Get<IKeywordIndex>());

        var result = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions());

        Assert.True(result.DryRun);
        Assert.Null(result.After);
        Assert.Equal(3, result.Indexes["vector"].Rewritten);
        Assert.Equal(0, result.Indexes["vector"].Deleted);
        Assert.Equal(1, result.Indexes["keyword"].Rewritten);
        Assert.Equal(3, result.Indexes["keyword"].Deleted);
        Assert.Contains(result.Actions, a => a.StartsWith("vector: write 3 ", StringComparison.Ordinal));
        Assert.Contains(result.Actions, a => a == "keyword: delete 3 orphaned entries");
        Assert.Equal(vectorBefore, await ConsistencyCorpus.EntriesAsync(pipeline.Get<IVectorIndex>()));
        Assert.Equal(keywordBefore, await ConsistencyCorpus.EntriesAsync(pipeline.Get<IKeywordIndex>()));
        Assert.False((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task RepairAsync_AutoFix_MakesVerifyConsistentWithoutCallingTheEmbedder()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Matches);
        await DamageAsync(pipeline);
        pipeline.Embedder.Reset();

        var result = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true });

        Assert.False(result.DryRun);
        Assert.Equal(new DiscrepancyCounts(2, 0, 1), result.Before.Indexes["vector"].Discrepancies);
        Assert.Equal(new DiscrepancyCounts(0, 3, 1), result.Before.Indexes["keyword"].Discrepancies);
        Assert.Equal(3, result.Indexes["vector"].Rewritten);
        Assert.Equal(1, result.Indexes["keyword"].Rewritten);
        Assert.Equal(3, result.Indexes["keyword"].Deleted);
        Assert.True(result.After!.IsConsistent);
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Equal(0, pipeline.Embedder.Calls);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Matches));
    }

    [Fact]
    public async Task RepairAsync_AutoFixWithLuceneSegmentFilesDeleted_RebuildsTheKeywordIndexWithoutTheEmbedder()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        List<string> searches;
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(docs);
            searches = await ConsistencyCorpus.SearchAllAsync(first.Pipeline);
        }

        DeleteSegmentFiles();
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true });

        Assert.True(result.Indexes["keyword"].Rebuilt);
        Assert.NotNull(result.Before.Indexes["keyword"].Error);
        Assert.True(result.After!.IsConsistent);
        Assert.Equal(0, pipeline.Embedder.Calls);
        Assert.Single(Directory.GetDirectories(_directory.File("data"), "keyword.damaged-*"));
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline));
    }

    [Fact]
    public async Task RepairAsync_AutoFixAfterVerifyMetAMissingVectorCatalog_RebuildsTheVectorIndexWithoutTheEmbedder()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        List<string> searches;
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(docs);
            searches = await ConsistencyCorpus.SearchAllAsync(first.Pipeline);
        }

        File.Delete(_directory.File("data/vectors/vectors.db"));
        await using var pipeline = new TestPipeline(_directory);
        var found = await pipeline.Get<IIndexMaintenance>().VerifyAsync();

        var result = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true });

        Assert.Contains("vectors.db", found.Indexes["vector"].Error, StringComparison.Ordinal);
        Assert.True(result.Indexes["vector"].Rebuilt);
        Assert.True(result.After!.IsConsistent);
        Assert.Equal(0, pipeline.Embedder.Calls);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline));
    }

    [Theory]
    [InlineData(RebuildTarget.Vector)]
    [InlineData(RebuildTarget.Keyword)]
    [InlineData(RebuildTarget.Both)]
    public async Task RebuildAsync_FromStoredArtifacts_SameSearchesAndNoEmbedderCall(RebuildTarget target)
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline);
        var registry = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();
        pipeline.Embedder.Reset();

        var result = await pipeline.Get<IIndexMaintenance>().RebuildAsync(target);

        var rebuilt = target == RebuildTarget.Both ? new[] { "vector", "keyword" } : [target == RebuildTarget.Vector ? "vector" : "keyword"];
        Assert.Equal(rebuilt.Order(), result.Indexes.Keys.Order());
        foreach (var name in rebuilt)
        {
            Assert.Equal(registry.Chunks, result.Indexes[name].Chunks);
            Assert.Equal(registry.Documents, result.Indexes[name].Documents);
            Assert.Null(result.Indexes[name].MovedAside);
        }

        Assert.True(result.After.IsConsistent);
        Assert.Null(result.BackupPath);
        Assert.Equal(0, pipeline.Embedder.Calls);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline));
    }

    [Fact]
    public async Task RebuildAsync_WithAutoBackup_TakesABackupFirst()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory, o => o.IndexManagement.AutoBackup = true);

        var result = await pipeline.Get<IIndexMaintenance>().RebuildAsync(RebuildTarget.Keyword);

        Assert.NotNull(result.BackupPath);
        Assert.StartsWith(_directory.File("data/backups/docpipeline-"), result.BackupPath, StringComparison.Ordinal);
        Assert.EndsWith(".tar.gz", result.BackupPath, StringComparison.Ordinal);
        Assert.True(File.Exists(result.BackupPath));
    }

    [Fact]
    public async Task VerifyAsync_DocumentMidUpdate_ReportedAsPendingNotAsDiscrepancy()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var id = ConsistencyCorpus.DocumentId(_directory, "tide-pools.md");
        var staged = await StageNewVersionAsync(pipeline, id);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync();

        Assert.True(report.IsConsistent);
        Assert.Equal([id], report.PendingDocuments);
        Assert.Equal(1, report.PendingDocumentCount);
        Assert.True(report.Indexes["vector"].InFlight >= staged);
        Assert.True(report.Indexes["keyword"].InFlight >= staged);
    }

    [Fact]
    public async Task RepairAsync_DocumentMidUpdate_LeavesItsEntriesToItsJob()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var id = ConsistencyCorpus.DocumentId(_directory, "tide-pools.md");
        await StageNewVersionAsync(pipeline, id);
        var before = await ConsistencyCorpus.EntriesAsync(pipeline.Get<IKeywordIndex>());

        var result = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true });

        Assert.Equal(0, result.Indexes["keyword"].Deleted);
        Assert.Equal(0, result.Indexes["vector"].Deleted);
        Assert.Equal(before, await ConsistencyCorpus.EntriesAsync(pipeline.Get<IKeywordIndex>()));
        Assert.Equal([id], result.After!.PendingDocuments);
    }

    [Fact]
    public async Task RepairAsync_StoredEmbeddingMissing_CountsTheChunkUnrepairableAndNeverEmbeds()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var id = ConsistencyCorpus.DocumentId(_directory, "composting.txt");
        var chunk = (await ConsistencyCorpus.ChunksAsync(pipeline, id))[0];
        await pipeline.Get<IVectorIndex>().DeleteChunksAsync([chunk.ChunkId]);
        await pipeline.Get<ISettingsStore>().SetSettingAsync(RegistrySettings.Embedder, "another-model:384");
        pipeline.Embedder.Reset();

        var result = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true });

        Assert.Equal(1, result.Indexes["vector"].Unrepairable);
        Assert.Equal(0, result.Indexes["vector"].Rewritten);
        Assert.Contains(result.Actions, a => a.Contains("no stored embedding", StringComparison.Ordinal));
        Assert.False(result.After!.IsConsistent);
        Assert.Equal(0, pipeline.Embedder.Calls);
    }

    /// <summary>
    /// Damages the indexes: two chunks of the lighthouse document deleted from the vector index, the sourdough
    /// document's first chunk re-written there with another version, three orphan entries of a document the registry
    /// never knew added to Lucene, and a tide pools chunk written twice there.
    /// </summary>
    private async Task<(string Lighthouse, string Sourdough, string Tides)> DamageAsync(TestPipeline pipeline)
    {
        var lighthouse = ConsistencyCorpus.DocumentId(_directory, "lighthouse-keeping.txt");
        var sourdough = ConsistencyCorpus.DocumentId(_directory, "sourdough-baking.txt");
        var tides = ConsistencyCorpus.DocumentId(_directory, "tide-pools.md");
        var vector = pipeline.Get<IVectorIndex>();
        var keyword = pipeline.Get<IKeywordIndex>();

        var lighthouseChunks = await ConsistencyCorpus.ChunksAsync(pipeline, lighthouse);
        Assert.True(lighthouseChunks.Count >= 2);
        await vector.DeleteChunksAsync([lighthouseChunks[0].ChunkId, lighthouseChunks[1].ChunkId]);

        var sourdoughChunk = (await ConsistencyCorpus.ChunksAsync(pipeline, sourdough))[0];
        var vectors = await pipeline.Get<IEmbeddingCache>().GetEmbeddingsAsync(
            (await pipeline.Get<ISettingsStore>().GetSettingAsync(RegistrySettings.Embedder))!, [sourdoughChunk.TextHash]);
        await vector.UpsertAsync([new VectorRecord { ChunkId = sourdoughChunk.ChunkId, DocumentId = sourdough, Version = sourdoughChunk.Revision + 7, Vector = vectors[sourdoughChunk.TextHash] }]);

        await keyword.UpsertAsync(Enumerable.Range(0, 3)
            .Select(i => new KeywordRecord { ChunkId = $"ghost-document#{i}", DocumentId = "ghost-document", Version = 1, Text = "a ghost that no registry knows" })
            .ToList());

        var tidesChunk = (await ConsistencyCorpus.ChunksAsync(pipeline, tides))[0];
        await keyword.UpsertAsync([new KeywordRecord { ChunkId = tidesChunk.ChunkId, DocumentId = tides, Version = tidesChunk.Revision + 1, Text = tidesChunk.Text }]);
        return (lighthouse, sourdough, tides);
    }

    /// <summary>Stages a new version of a document and writes its new chunks into both indexes, as a job does before it commits.</summary>
    /// <returns>The number of chunks written.</returns>
    private static async Task<int> StageNewVersionAsync(TestPipeline pipeline, string documentId)
    {
        var registry = pipeline.Get<IDocumentRegistry>();
        var document = (await registry.GetAsync(documentId))!;
        var chunks = await registry.GetChunksAsync(documentId, document.Version);
        var version = document.Version + 1;
        var text = "A brand new paragraph about anemones, hermit crabs and the rhythm of the tides.";
        var hash = DocPipeline.Ingestion.DocumentIds.TextHash(text);
        var added = new ChunkRecord
        {
            ChunkId = DocPipeline.Ingestion.DocumentIds.ChunkId(documentId, hash, 0),
            DocumentId = documentId,
            Revision = version,
            Ordinal = chunks.Count,
            Text = text,
            TextHash = hash,
        };
        var model = (await pipeline.Get<ISettingsStore>().GetSettingAsync(RegistrySettings.Embedder))!;
        var embedding = new float[384];
        embedding[3] = 1;
        await registry.StageAsync(new StagedVersion
        {
            DocumentId = documentId,
            Source = document.Source,
            Version = version,
            ContentHash = "new",
            Chunks = [.. chunks, added],
            EmbeddingModel = model,
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [hash] = embedding },
        });
        await pipeline.Get<IVectorIndex>().UpsertAsync([new VectorRecord { ChunkId = added.ChunkId, DocumentId = documentId, Version = version, Vector = embedding }]);
        await pipeline.Get<IKeywordIndex>().UpsertAsync([new KeywordRecord { ChunkId = added.ChunkId, DocumentId = documentId, Version = version, Text = text }]);
        return 1;
    }

    private void DeleteSegmentFiles()
    {
        var segmentFiles = Directory.GetFiles(_directory.File("data/keyword"), "_*");
        Assert.NotEmpty(segmentFiles);
        foreach (var file in segmentFiles)
        {
            File.Delete(file);
        }
    }
}
