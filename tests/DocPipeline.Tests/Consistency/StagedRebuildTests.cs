using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Consistency;

/// <summary>A rebuild writes its indexes beside the live ones and swaps them in only when complete.</summary>
public sealed class StagedRebuildTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(RebuildTarget.Vector)]
    [InlineData(RebuildTarget.Keyword)]
    [InlineData(RebuildTarget.Both)]
    public async Task RebuildCoreAsync_FaultMidReplay_TheOldIndexesStillServeEverythingAndNoStagingIsLeft(RebuildTarget target)
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline);
        var registry = pipeline.Get<IDocumentRegistry>();
        var faults = new FaultInjector();
        faults.Arm(FaultPoint.BeforeChunksRead, skip: 4);
        var rebuild = pipeline.Get<RebuildOperation>();
        var all = new ISearchIndex[] { pipeline.Get<IVectorIndex>(), pipeline.Get<IKeywordIndex>() };
        var targets = all.Where((_, i) => (target & (i == 0 ? RebuildTarget.Vector : RebuildTarget.Keyword)) != 0).ToList();

        await Assert.ThrowsAsync<IOException>(() => rebuild.RebuildCoreAsync(new FaultyRegistry(registry, faults), targets, targets.Select(_ => false).ToList(), CancellationToken.None));

        Assert.Equal(1, faults.Fired);
        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync();
        Assert.True(report.IsConsistent);
        var chunks = (await registry.GetStatisticsAsync()).Chunks;
        Assert.All(report.Indexes.Values, index => Assert.Equal(chunks, index.Entries));
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline));
        Assert.Empty(StagingFolders());
    }

    [Fact]
    public async Task RebuildAsync_NothingIngested_SwapsInEmptyIndexes()
    {
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.Get<IIndexMaintenance>().RebuildAsync(RebuildTarget.Both);

        Assert.True(result.After.IsConsistent);
        Assert.All(result.Indexes.Values, index => Assert.Equal(0, index.Chunks));
        Assert.Empty(StagingFolders());
    }

    [Fact]
    public async Task Open_LeftoversOfARebuildThatDied_AreDeletedAndTheOldIndexesServe()
    {
        await using (var first = await ConsistencyCorpus.IngestedAsync(_directory))
        {
        }

        // What a killed rebuild leaves: its own half-written indexes beside the live ones, with no swap list.
        CopyFolder(_directory.File("data/vectors"), _directory.File("data/vectors.rebuild-killed"));
        CopyFolder(_directory.File("data/keyword"), _directory.File("data/keyword.rebuild-killed"));
        File.WriteAllBytes(Path.Combine(_directory.File("data/vectors.rebuild-killed"), "vectors.bin"), new byte[100]);

        await using var pipeline = new TestPipeline(_directory);
        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = true });

        Assert.True(report.IsConsistent, string.Join("; ", report.Stores.Values.Select(s => s.Error)));
        Assert.Empty(StagingFolders());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Open_AFinishedRebuildBesideTheIndexes_IsSwappedInEvenWhenASwapWasCutShort(bool cutShort)
    {
        string[] removed;
        await using (var first = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            // The finished rebuild holds every chunk; the live indexes then lose some (as a crash would leave them).
            StageFinishedCopy("vectors", global::DocPipeline.Indexing.Vector.EmbeddedVectorIndex.IsIndexFile);
            StageFinishedCopy("keyword", global::DocPipeline.Indexing.Keyword.LuceneIndexHandle.IsIndexFile);
            var lighthouse = ConsistencyCorpus.DocumentId(_directory, "lighthouse-keeping.txt");
            removed = (await ConsistencyCorpus.ChunksAsync(first, lighthouse)).Select(c => c.ChunkId).ToArray();
            await first.Get<IVectorIndex>().DeleteChunksAsync(removed);
            await first.Get<IKeywordIndex>().DeleteChunksAsync(removed);
        }

        if (cutShort)
        {
            // A swap that died after moving the vector file in: the rest of the list is still in the staging folder.
            File.Move(_directory.File("data/vectors.rebuild-done/vectors.bin"), _directory.File("data/vectors/vectors.bin"), overwrite: true);
        }

        await using var pipeline = new TestPipeline(_directory);
        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = true });

        Assert.True(report.IsConsistent, string.Join("; ", report.Stores.Values.Select(s => s.Error).Concat(report.Indexes.Values.Select(i => $"{i.Name} {i.Discrepancies}"))));
        Assert.Empty(StagingFolders());
        Assert.NotEmpty(removed);
    }

    [Fact]
    public async Task Open_AFinishedRebuildBesideEmptiedIndexFolders_IsSwappedInNotRefusedAsMissing()
    {
        await using (var first = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            StageFinishedCopy("vectors", global::DocPipeline.Indexing.Vector.EmbeddedVectorIndex.IsIndexFile);
            StageFinishedCopy("keyword", global::DocPipeline.Indexing.Keyword.LuceneIndexHandle.IsIndexFile);
        }

        // A swap that died after deleting the live files and before moving any staged file in.
        foreach (var folder in new[] { "data/vectors", "data/keyword" })
        {
            foreach (var file in Directory.EnumerateFiles(_directory.File(folder)))
            {
                File.Delete(file);
            }
        }

        await using var pipeline = new TestPipeline(_directory);
        var hits = await pipeline.Pipeline.SearchAsync("lighthouse", new global::DocPipeline.Search.SearchOptions());
        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = true });

        Assert.NotEmpty(hits);
        Assert.True(report.IsConsistent, string.Join("; ", report.Stores.Values.Select(s => s.Error).Concat(report.Indexes.Values.Select(i => $"{i.Name} {i.Discrepancies}"))));
        Assert.Empty(StagingFolders());
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            if (!file.EndsWith(".lock", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
    }

    /// <summary>Copies a live index (open: the vector catalog through SQLite's backup, Lucene's last commit) beside it as a finished rebuild.</summary>
    private void StageFinishedCopy(string name, Func<string, bool> isIndexFile)
    {
        var staging = _directory.File($"data/{name}.rebuild-done");
        if (name == "vectors")
        {
            Directory.CreateDirectory(staging);
            using (var source = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_directory.File("data/vectors/vectors.db")};Pooling=False"))
            using (var destination = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(staging, "vectors.db")};Pooling=False"))
            {
                source.Open();
                destination.Open();
                source.BackupDatabase(destination);
            }

            File.Copy(_directory.File("data/vectors/vectors.bin"), Path.Combine(staging, "vectors.bin"));
        }
        else
        {
            CopyFolder(_directory.File("data/keyword"), staging);
            File.Delete(Path.Combine(staging, "write.lock"));
        }

        RebuildStaging.MarkFinished(staging, isIndexFile);
    }

    private List<string> StagingFolders() => Directory.EnumerateDirectories(_directory.File("data"), "*.rebuild-*").ToList();
}
