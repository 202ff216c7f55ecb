using System.Diagnostics;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Specification.Tests;
using DocPipeline.Specification.Tests.Indexing;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Indexing.Keyword;

/// <summary>The keyword index contract against the on-disk Lucene index, plus what only a folder on disk can show.</summary>
public sealed class LuceneKeywordIndexTests : KeywordIndexSpecification
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private readonly TestDirectory _directory = new();
    private readonly List<LuceneKeywordIndex> _opened = [];

    private string Folder => _directory.File("keyword");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var index in _opened)
        {
            index.Dispose();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task UpsertAsync_IndexReopened_EntriesSurvive()
    {
        using (var index = Open(Folder))
        {
            await index.UpsertAsync([Record("c1", "d1", "persistent penguin", version: 2), Record("c2", "d2", "other")]);
        }

        using var reopened = Open(Folder);

        var hit = Assert.Single(await reopened.SearchAsync("penguin", 10));
        Assert.Equal(("c1", "d1", 2), (hit.ChunkId, hit.DocumentId, hit.Version));
        Assert.Equal(2, (await reopened.GetStatisticsAsync()).Entries);
    }

    [Fact]
    public async Task UpsertAsync_ManyConcurrentWriters_AllDurableAfterReopen()
    {
        using (var index = Open(Folder))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            {
                for (var batch = 0; batch < 25; batch++)
                {
                    await index.UpsertAsync(
                        Enumerable.Range(0, 20).Select(i => Record($"w{writer}-b{batch}-{i}", $"d{writer}-{batch}", $"chunk {i} of batch {batch}")).ToList());
                }
            })));

            // Fewer commits than writes is the point of group commit, but how many depends on timing; at most one per write.
            Assert.InRange(index.CommitCount, 1, 8 * 25);
        }

        using var reopened = Open(Folder);

        var statistics = await reopened.GetStatisticsAsync();
        Assert.Equal(8 * 25 * 20, statistics.Entries);
        Assert.Equal(8 * 25, statistics.Documents);
        var ids = new HashSet<string>();
        await foreach (var entry in reopened.ListEntriesAsync())
        {
            ids.Add(entry.ChunkId);
        }

        Assert.Equal(8 * 25 * 20, ids.Count);
    }

    [Fact]
    public async Task UpsertAsync_GroupCommitOff_EveryWriteCommitsAloneAndIsSearchable()
    {
        using var index = new LuceneKeywordIndex(Settings(Folder) with { GroupCommit = false }, TimeProvider.System);
        _opened.Add(index);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var batch = 0; batch < 5; batch++)
            {
                await index.UpsertAsync([Record($"w{writer}-{batch}", "d", $"solo{writer}x{batch}")]);
                Assert.Single(await index.SearchAsync($"solo{writer}x{batch}", 10));
            }
        })));

        Assert.Equal(8 * 5, index.CommitCount);
    }

    [Fact]
    public async Task ClearAsync_IndexReopened_StaysEmpty()
    {
        using (var index = Open(Folder))
        {
            await index.UpsertAsync([Record("c1", "d1", "gone")]);
            await index.ClearAsync();
        }

        using var reopened = Open(Folder);

        Assert.Equal(0, (await reopened.GetStatisticsAsync()).Entries);
    }

    [Fact]
    public async Task Open_FolderUsedByAnotherInstance_ClearErrorAndTheFirstKeepsWorking()
    {
        using var first = Open(Folder);
        await first.UpsertAsync([Record("c1", "d1", "first owner")]);
        using var second = Open(Folder);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => second.SearchAsync("owner", 10));

        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
        Assert.Contains(Folder, error.Message, StringComparison.Ordinal);
        await first.UpsertAsync([Record("c2", "d1", "still the owner")]);
        Assert.Equal(2, (await first.SearchAsync("owner", 10)).Count);
    }

    [Fact]
    public async Task Open_OtherInstanceClosedAfterAFailedOpen_NextCallOpens()
    {
        var first = Open(Folder);
        await first.UpsertAsync([Record("c1", "d1", "handover")]);
        using var second = Open(Folder);
        await Assert.ThrowsAsync<DocPipelineStorageException>(() => second.SearchAsync("handover", 10));

        first.Dispose();

        Assert.Single(await second.SearchAsync("handover", 10));
    }

    /// <summary>
    /// The other process holds write.lock the way another DocPipeline does (exclusive) or the way a stock Lucene.Net
    /// process does (its NativeFSLockFactory takes a shared flock on Linux).
    /// </summary>
    [SkippableTheory]
    [InlineData("--exclusive")]
    [InlineData("--shared")]
    public async Task Open_WriteLockHeldByAnotherProcess_ClearErrorWithoutWaiting(string lockMode)
    {
        using (var index = Open(Folder))
        {
            await index.UpsertAsync([Record("c1", "d1", "text")]);
        }

        using var holder = HoldLockInAnotherProcess(Path.Combine(Folder, "write.lock"), lockMode);
        try
        {
            using var blocked = Open(Folder);

            var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => blocked.GetStatisticsAsync());

            Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
            Assert.Contains(Folder, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
        }
    }

    [SkippableTheory]
    [InlineData("--exclusive")]
    [InlineData("--shared")]
    public async Task Open_IndexOpenHere_AnotherProcessCannotTakeTheWriteLock(string lockMode)
    {
        Skip.IfNot(File.Exists("/usr/bin/flock"), "needs util-linux flock to play the other process");
        using var index = Open(Folder);
        await index.UpsertAsync([Record("c1", "d1", "text")]);

        using var other = Process.Start(new ProcessStartInfo("/usr/bin/flock", [lockMode, "--nonblock", Path.Combine(Folder, "write.lock"), "true"]))!;
        await other.WaitForExitAsync();

        Assert.NotEqual(0, other.ExitCode);
    }

    [Theory]
    [InlineData("segment data", new[] { ".cfs", ".cfe", ".fdt", ".tim", ".doc" })]
    [InlineData("segment info", new[] { ".si" })]
    [InlineData("commit point", new[] { "segments_", "segments.gen" })]
    public async Task Open_SegmentFilesDeleted_ClearErrorNamingTheFolderAndFilesLeftAlone(string what, string[] patterns)
    {
        using (var index = Open(Folder))
        {
            await index.UpsertAsync([Record("c1", "d1", "soon damaged"), Record("c2", "d1", "soon damaged")]);
        }

        var deleted = Directory.GetFiles(Folder).Where(f => patterns.Any(p => Path.GetFileName(f).Contains(p, StringComparison.Ordinal))).ToList();
        Assert.True(deleted.Count > 0, $"No {what} file matched in {string.Join(", ", Directory.GetFiles(Folder).Select(Path.GetFileName))}.");
        deleted.ForEach(File.Delete);
        var before = Snapshot(Folder);
        using var damaged = Open(Folder);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => damaged.SearchAsync("damaged", 10));

        Assert.Contains(Folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(Folder));
    }

    [Fact]
    public async Task RecreateAsync_DamagedIndex_OpensEmptyAndUsableAndKeepsForeignFiles()
    {
        using (var index = Open(Folder))
        {
            await index.UpsertAsync([Record("c1", "d1", "lost")]);
        }

        Directory.GetFiles(Folder, "*.si").ToList().ForEach(File.Delete);
        var foreign = _directory.Write("keyword/README.txt", "not Lucene's");
        using var damaged = Open(Folder);
        await Assert.ThrowsAsync<DocPipelineStorageException>(() => damaged.GetStatisticsAsync());

        await damaged.RecreateAsync(CancellationToken.None);

        Assert.Equal(0, (await damaged.GetStatisticsAsync()).Entries);
        await damaged.UpsertAsync([Record("c2", "d2", "fresh start")]);
        Assert.Single(await damaged.SearchAsync("fresh", 10));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public async Task RecreateAsync_FolderHeldByAnotherInstance_Refused()
    {
        using var owner = Open(Folder);
        await owner.UpsertAsync([Record("c1", "d1", "owned")]);
        using var other = Open(Folder);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => other.RecreateAsync(CancellationToken.None));

        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
        Assert.Single(await owner.SearchAsync("owned", 10));
    }

    [Fact]
    public async Task CopyToAsync_LaterWrites_CopyOpensWithExactlyTheSnapshot()
    {
        var copyFolder = _directory.File("copy");
        using var index = Open(Folder);
        await index.UpsertAsync([Record("c1", "d1", "in the snapshot", version: 1), Record("c2", "d2", "in the snapshot", version: 1)]);

        await index.CopyToAsync(copyFolder, CancellationToken.None);
        await index.UpsertAsync([Record("c3", "d3", "after the snapshot"), Record("c1", "d1", "edited after", version: 2)]);
        await index.DeleteChunksAsync(["c2"]);

        using var copy = Open(copyFolder);
        var entries = new List<IndexEntry>();
        await foreach (var entry in copy.ListEntriesAsync())
        {
            entries.Add(entry);
        }

        Assert.Equal([new IndexEntry("c1", "d1", 1), new IndexEntry("c2", "d2", 1)], entries.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
        Assert.Equal(2, (await copy.SearchAsync("snapshot", 10)).Count);
    }

    [Fact]
    public async Task CopyToAsync_WhileWritesContinue_CopyIsAConsistentCommit()
    {
        var copyFolder = _directory.File("copy");
        using var index = Open(Folder);
        var before = Enumerable.Range(0, 500).Select(i => Record($"before{i}", $"d{i % 10}", $"early text {i}")).ToList();
        await index.UpsertAsync(before);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                await index.UpsertAsync(Enumerable.Range(0, 50).Select(i => Record($"w{writer}-{batch}-{i}", "late", $"late text {i}")).ToList());
            }
        })).ToList();

        await index.CopyToAsync(copyFolder, CancellationToken.None);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        using var copy = Open(copyFolder);
        var ids = new HashSet<string>();
        await foreach (var entry in copy.ListEntriesAsync())
        {
            ids.Add(entry.ChunkId);
        }

        Assert.Superset(before.Select(r => r.ChunkId).ToHashSet(), ids);
        Assert.Equal(ids.Count, (await copy.GetStatisticsAsync()).Entries);
        Assert.Equal(500, (await copy.SearchAsync("early", 1000)).Count);
    }

    [Fact]
    public async Task CopyToAsync_DestinationNotEmpty_RefusedAndNothingOverwritten()
    {
        var existing = _directory.Write("copy/segments_1", "someone else's file");
        using var index = Open(Folder);
        await index.UpsertAsync([Record("c1", "d1", "text")]);

        await Assert.ThrowsAsync<ArgumentException>(() => index.CopyToAsync(Path.GetDirectoryName(existing)!, CancellationToken.None));

        Assert.Equal("someone else's file", File.ReadAllText(existing));
    }

    [Fact]
    public async Task GetStatisticsAsync_OnDisk_SizeIsTheFolderSize()
    {
        using var index = Open(Folder);
        await index.UpsertAsync(Enumerable.Range(0, 100).Select(i => Record($"c{i}", "d", $"some text number {i}")).ToList());

        var statistics = await index.GetStatisticsAsync();

        var filesOnDisk = Directory.GetFiles(Folder).Where(f => Path.GetFileName(f) != "write.lock").Sum(f => new FileInfo(f).Length);
        Assert.Equal(filesOnDisk, statistics.SizeBytes);
    }

    [Fact]
    public async Task SearchAsync_ChangeAppliedButNotCommitted_NotSearchableUntilACommit()
    {
        var time = new FakeTimeProvider();
        using var index = await OpenWithACommittedEntryAsync(time);

        // A change applied to the writer without waiting for a commit: searchers read commits, so no refresh shows it.
        ApplyWithoutCommit(index, Record("c2", "d2", "uncommitted"));
        time.Advance(RefreshInterval * 3);
        var beforeCommit = await index.SearchAsync("uncommitted", 10);
        await index.UpsertAsync([Record("c3", "d3", "another")]);

        Assert.Empty(beforeCommit);
        Assert.Single(await index.SearchAsync("uncommitted", 10));
    }

    [Fact]
    public async Task RefreshTimer_ChangeNotYetCommitted_WritesNoSegmentFiles()
    {
        var time = new FakeTimeProvider();
        using var index = await OpenWithACommittedEntryAsync(time);
        ApplyWithoutCommit(index, Record("c2", "d2", "uncommitted"));
        var before = Snapshot(Folder).Keys.Order().ToList();

        time.Advance(RefreshInterval * 3);

        // A near-real-time refresh would have flushed the change into a new segment here.
        Assert.Equal(before, Snapshot(Folder).Keys.Order().ToList());
    }

    [Fact]
    public async Task RefreshTimer_CommitWithoutRefresh_BecomesSearchableWhenTheIntervalPasses()
    {
        var time = new FakeTimeProvider();
        using var index = await OpenWithACommittedEntryAsync(time);

        // Committed behind the searcher's back, as when the refresh after a commit failed: only the timer picks it up.
        ApplyWithoutCommit(index, Record("c2", "d2", "unrefreshed"));
        index.OpenOrReport().Write(writer => writer.Commit());
        var beforeInterval = await index.SearchAsync("unrefreshed", 10);
        time.Advance(RefreshInterval);

        Assert.Empty(beforeInterval);
        Assert.Single(await index.SearchAsync("unrefreshed", 10));
    }

    [Fact]
    public async Task Dispose_ReleasesTheFolderAndRefusesFurtherUse()
    {
        var time = new FakeTimeProvider();
        var index = Open(Folder, time);
        await index.UpsertAsync([Record("c1", "d1", "text")]);

        index.Dispose();
        time.Advance(RefreshInterval * 3);

        using var next = Open(Folder);
        Assert.Single(await next.SearchAsync("text", 10));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.SearchAsync("text", 10));
    }

    [Fact]
    public async Task SearchAsync_OnlyStopWords_ReturnsNoHits()
    {
        using var index = Open(Folder);
        await index.UpsertAsync([Record("c1", "d1", "the cat is on the mat")]);

        Assert.Empty(await index.SearchAsync("the is on", 10));
        Assert.Single(await index.SearchAsync("the cats", 10));
    }

    [Fact]
    public async Task SearchAsync_QueryWithMoreWordsThanLuceneAllowsClauses_Searches()
    {
        using var index = Open(Folder);
        await index.UpsertAsync([Record("c1", "d1", "needle")]);
        var longQuery = string.Join(' ', Enumerable.Range(0, 3000).Select(i => $"word{i}")) + " needle";

        var hits = await index.SearchAsync(longQuery, 10);

        // Terms past Lucene's clause limit (1024) are dropped rather than failing the search.
        Assert.Empty(hits);
        Assert.Single(await index.SearchAsync("needle " + longQuery, 10));
    }

    [Fact]
    public async Task ArgumentChecks_InvalidInput_Rejected()
    {
        using var index = Open(Folder);

        await Assert.ThrowsAsync<ArgumentNullException>(() => index.UpsertAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => index.UpsertAsync([Record("", "d1", "text")]));
        await Assert.ThrowsAsync<ArgumentException>(() => index.UpsertAsync([null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => index.SearchAsync(null!, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.SearchAsync("text", 0));
        await Assert.ThrowsAsync<ArgumentException>(() => index.DeleteChunksAsync([null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => index.DeleteDocumentsAsync(null!));
    }

    protected override IKeywordIndex CreateIndex() => new LuceneKeywordIndex(Settings(Folder), TimeProvider.System);

    private static LuceneKeywordIndexSettings Settings(string folder) => new(folder, RefreshInterval, 16);

    /// <summary>Applies an upsert to the writer without waiting for (or starting) a commit.</summary>
    private static void ApplyWithoutCommit(LuceneKeywordIndex index, KeywordRecord record) =>
        index.OpenOrReport().Write(writer => writer.UpdateDocument(KeywordFields.ChunkTerm(record.ChunkId), KeywordFields.CreateDocument(record)));

    private static Dictionary<string, long> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => new FileInfo(f).Length);

    /// <summary>Holds a lock on <paramref name="lockFile"/> from a separate process until it is killed.</summary>
    private static Process HoldLockInAnotherProcess(string lockFile, string lockMode)
    {
        Skip.IfNot(File.Exists("/usr/bin/flock"), "needs util-linux flock to play the other process");
        var process = Process.Start(new ProcessStartInfo("/usr/bin/flock", [lockMode, lockFile, "sh", "-c", "echo locked; sleep 60"])
        {
            RedirectStandardOutput = true,
        })!;
        Assert.Equal("locked", process.StandardOutput.ReadLine());
        return process;
    }

    private LuceneKeywordIndex Open(string folder, TimeProvider? time = null)
    {
        var index = new LuceneKeywordIndex(Settings(folder), time ?? TimeProvider.System);
        _opened.Add(index);
        return index;
    }

    private async Task<LuceneKeywordIndex> OpenWithACommittedEntryAsync(FakeTimeProvider time)
    {
        var index = Open(Folder, time);
        await index.UpsertAsync([Record("c1", "d1", "committed")]);
        return index;
    }
}
