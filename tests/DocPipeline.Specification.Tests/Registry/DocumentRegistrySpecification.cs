using DocPipeline.Registry;
using Xunit;

namespace DocPipeline.Specification.Tests.Registry;

/// <summary>The behaviour every <see cref="IDocumentRegistry"/> must have. Implementations inherit this class and supply the factory.</summary>
public abstract class DocumentRegistrySpecification : RegistrySpecificationBase
{
    /// <summary>Creates the registry under test, empty, using <see cref="RegistrySpecificationBase.Time"/>. Called again with <paramref name="reopen"/> to reopen the same storage.</summary>
    protected abstract IDocumentRegistry CreateRegistry(bool reopen = false);

    [Fact]
    public async Task StageAsync_NewDocument_PendingUntilCommitted()
    {
        var registry = CreateRegistry();

        await registry.StageAsync(Version("doc-a", 1, "one", "two"));

        var staged = await registry.GetAsync("doc-a");
        Assert.NotNull(staged);
        Assert.Equal(0, staged.Version);
        Assert.Equal(1, staged.PendingVersion);
        Assert.Equal(DocumentStatus.Pending, staged.Status);
        Assert.Equal(["one", "two"], (await registry.GetChunksAsync("doc-a", 1)).Select(c => c.Text));
    }

    [Fact]
    public async Task CommitAsync_StagedVersion_BecomesServedVersionWithItsHashesAndMetadata()
    {
        var registry = CreateRegistry();
        await registry.StageAsync(Version("doc-a", 1, "one", "two") with { Metadata = new Dictionary<string, string> { ["title"] = "A" } });

        Assert.True(await registry.CommitAsync("doc-a", 1));

        var document = await registry.GetAsync("doc-a");
        Assert.NotNull(document);
        Assert.Equal(1, document.Version);
        Assert.Null(document.PendingVersion);
        Assert.Equal(DocumentStatus.Indexed, document.Status);
        Assert.Equal(2, document.ChunkCount);
        Assert.Equal("hash-doc-a-1", document.ContentHash);
        Assert.Equal("A", document.Metadata["title"]);
    }

    [Fact]
    public async Task CommitAsync_NewVersion_DropsOldVersionRowsOnlyThen()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "old"));

        await registry.StageAsync(Version("doc-a", 2, "new"));
        Assert.Single(await registry.GetChunksAsync("doc-a", 1));
        Assert.Single(await registry.GetChunksAsync("doc-a", 2));

        await registry.CommitAsync("doc-a", 2);
        Assert.Empty(await registry.GetChunksAsync("doc-a", 1));
        Assert.Equal("new", Assert.Single(await registry.GetChunksAsync("doc-a", 2)).Text);
    }

    [Fact]
    public async Task CommitAsync_VersionNotStaged_ReturnsFalseAndChangesNothing()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "one"));

        Assert.False(await registry.CommitAsync("doc-a", 2));
        Assert.False(await registry.CommitAsync("doc-a", 1));
        Assert.False(await registry.CommitAsync("unknown", 1));
        Assert.Equal(1, (await registry.GetAsync("doc-a"))!.Version);
    }

    [Fact]
    public async Task StageAsync_VersionNotAboveCommitted_Throws()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 2, "one"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.StageAsync(Version("doc-a", 2, "again")));
    }

    [Fact]
    public async Task StageAsync_SameVersionAgain_ReplacesStagedChunks()
    {
        var registry = CreateRegistry();
        await registry.StageAsync(Version("doc-a", 1, "first try", "extra"));

        await registry.StageAsync(Version("doc-a", 1, "second try"));

        Assert.Equal("second try", Assert.Single(await registry.GetChunksAsync("doc-a", 1)).Text);
    }

    [Fact]
    public async Task AppendStagedChunksAsync_StagedVersion_ChunksJoinItAndCommitTogether()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "old"));
        await registry.StageAsync(Version("doc-a", 2, "one", "two"));
        var more = Version("doc-a", 2, "three");
        more = more with { Chunks = [more.Chunks[0] with { Ordinal = 2 }] };

        await registry.AppendStagedChunksAsync(more);

        Assert.Equal(1, (await registry.GetAsync("doc-a"))!.Version);
        Assert.Equal(["one", "two", "three"], (await registry.GetChunksAsync("doc-a", 2)).Select(c => c.Text));
        Assert.True(await registry.CommitAsync("doc-a", 2));
        Assert.Equal(3, (await registry.GetAsync("doc-a"))!.ChunkCount);
    }

    [Fact]
    public async Task AppendStagedChunksAsync_VersionNotStaged_ThrowsAndAddsNothing()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "one"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.AppendStagedChunksAsync(Version("doc-a", 1, "late")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.AppendStagedChunksAsync(Version("doc-a", 2, "superseded")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.AppendStagedChunksAsync(Version("unknown", 1, "nothing")));

        Assert.Equal(["one"], (await registry.GetChunksAsync("doc-a", 1)).Select(c => c.Text));
        Assert.Empty(await registry.GetChunksAsync("doc-a", 2));
    }

    [Fact]
    public async Task GetChunksAsync_PageByPage_EveryChunkOnceInChunkIdOrder()
    {
        var registry = CreateRegistry();
        var texts = Enumerable.Range(0, 7).Select(i => $"chunk {i}").ToArray();
        await registry.StageAsync(Version("doc-a", 1, texts));
        await registry.StageAsync(Version("doc-b", 1, "other document"));

        var pages = new List<IReadOnlyList<ChunkRecord>>();
        string? after = null;
        do
        {
            pages.Add(await registry.GetChunksAsync("doc-a", 1, after, 3));
            after = pages[^1].LastOrDefault()?.ChunkId;
        }
        while (pages[^1].Count == 3);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        var ids = pages.SelectMany(p => p).Select(c => c.ChunkId).ToList();
        Assert.Equal(texts.Select(t => ChunkId("doc-a", t)).Order(StringComparer.Ordinal), ids);
        Assert.Empty(await registry.GetChunksAsync("doc-a", 2, null, 3));
    }

    [Fact]
    public async Task ResolveChunksAsync_DuringAnUpdate_ResolvesOldAndNewChunksWithNewestWinning()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "kept", "removed"));
        var updated = Version("doc-a", 2, "kept", "added");
        await registry.StageAsync(updated);
        var ids = new[] { ChunkId("doc-a", "kept"), ChunkId("doc-a", "removed"), ChunkId("doc-a", "added"), "unknown#1" };

        var resolved = await registry.ResolveChunksAsync(ids);

        Assert.Equal(3, resolved.Count);
        Assert.Equal("removed", resolved[ChunkId("doc-a", "removed")].Chunk.Text);
        Assert.Equal(2, resolved[ChunkId("doc-a", "kept")].Chunk.Revision);
        Assert.Equal("/src/doc-a.txt", resolved[ChunkId("doc-a", "added")].Source);
    }

    [Fact]
    public async Task CommitPublishedAsync_StagedVersion_CommittedWithIndexVersionsAndSeenRunInOneCall()
    {
        var registry = CreateRegistry();
        await registry.StageAsync(Version("doc-a", 1, "one", "two"));

        Assert.False(await registry.CommitPublishedAsync("doc-a", ["vector", "keyword"], 2, 7));
        var untouched = (await registry.GetAsync("doc-a"))!;
        Assert.Equal((0, 1, 0L), (untouched.Version, untouched.PendingVersion, untouched.LastSeenRun));
        Assert.Empty(untouched.IndexVersions);

        Assert.True(await registry.CommitPublishedAsync("doc-a", ["vector", "keyword"], 1, 7));
        var committed = (await registry.GetAsync("doc-a"))!;
        Assert.Equal((1, (int?)null, 7L, 2), (committed.Version, committed.PendingVersion, committed.LastSeenRun, committed.ChunkCount));
        Assert.Equal(new Dictionary<string, int> { ["vector"] = 1, ["keyword"] = 1 }, committed.IndexVersions);
        Assert.False(await registry.CommitPublishedAsync("doc-a", ["vector"], 1, 9));
        Assert.Equal(7L, (await registry.GetAsync("doc-a"))!.LastSeenRun);
    }

    [Fact]
    public async Task CommitPublishedAsync_NoRun_LeavesLastSeenRunAlone()
    {
        var registry = CreateRegistry();
        await registry.StageAsync(Version("doc-a", 1, "one"));

        Assert.True(await registry.CommitPublishedAsync("doc-a", ["vector"], 1, 0));

        var committed = (await registry.GetAsync("doc-a"))!;
        Assert.Equal((1, 0L), (committed.Version, committed.LastSeenRun));
        Assert.Equal(new Dictionary<string, int> { ["vector"] = 1 }, committed.IndexVersions);
    }

    [Fact]
    public async Task SetIndexVersionsAsync_RecordsVersionPerIndex()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "one"));
        await registry.StageAsync(Version("doc-a", 2, "two"));

        await registry.SetIndexVersionsAsync("doc-a", ["vector"], 2);

        var versions = (await registry.GetAsync("doc-a"))!.IndexVersions;
        Assert.Equal(2, versions["vector"]);
        Assert.False(versions.ContainsKey("keyword"));
    }

    [Fact]
    public async Task MarkFailedAsync_AfterFailedUpdate_CommittedVersionStillServed()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "one"));
        await registry.StageAsync(Version("doc-a", 2, "two"));

        await registry.MarkFailedAsync("doc-a", "embedder down");

        var document = (await registry.GetAsync("doc-a"))!;
        Assert.Equal(DocumentStatus.Failed, document.Status);
        Assert.Equal("embedder down", document.LastError);
        Assert.Equal(1, document.Version);
        Assert.Equal("one", Assert.Single(await registry.GetChunksAsync("doc-a", 1)).Text);
    }

    [Fact]
    public async Task RemoveAsync_Document_RemovesItAndEveryChunk()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "one", "two"));
        await registry.StageAsync(Version("doc-a", 2, "three"));

        Assert.True(await registry.MarkRemovingAsync("doc-a"));
        Assert.True(await registry.RemoveAsync("doc-a"));

        Assert.Null(await registry.GetAsync("doc-a"));
        Assert.Empty(await registry.ResolveChunksAsync([ChunkId("doc-a", "one"), ChunkId("doc-a", "three")]));
        Assert.False(await registry.RemoveAsync("doc-a"));
        Assert.False(await registry.MarkRemovingAsync("doc-a"));
    }

    [Fact]
    public async Task ListAsync_FilterAndPaging_ReturnsMatchingDocumentsInIdOrder()
    {
        var registry = CreateRegistry();
        foreach (var id in new[] { "c", "a", "b", "d" })
        {
            await Commit(registry, Version(id, 1, "text of " + id) with { Source = id == "b" ? "/src/b.pdf" : $"/src/{id}.txt" });
        }

        var firstPage = await registry.ListAsync(new DocumentQuery { Limit = 2 });
        var secondPage = await registry.ListAsync(new DocumentQuery { Limit = 2, After = firstPage[^1].Id });
        var pdfs = await registry.ListAsync(new DocumentQuery { Filter = "*.pdf" });
        var byId = await registry.ListAsync(new DocumentQuery { Filter = "c" });

        Assert.Equal(["a", "b"], firstPage.Select(d => d.Id));
        Assert.Equal(["c", "d"], secondPage.Select(d => d.Id));
        Assert.Equal("b", Assert.Single(pdfs).Id);
        Assert.Equal("c", Assert.Single(byId).Id);
    }

    [Fact]
    public async Task StreamEntriesAsync_CommittedVersionsOnly_OrderedByChunkId()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-b", 1, "b1", "b2"));
        await Commit(registry, Version("doc-a", 1, "a1"));
        await registry.StageAsync(Version("doc-c", 1, "staged only"));

        var entries = new List<RegistryEntry>();
        await foreach (var entry in registry.StreamEntriesAsync())
        {
            entries.Add(entry);
        }

        Assert.Equal(3, entries.Count);
        Assert.Equal(entries.Select(e => e.ChunkId).Order(StringComparer.Ordinal), entries.Select(e => e.ChunkId));
        Assert.DoesNotContain(entries, e => e.DocumentId == "doc-c");
    }

    [Fact]
    public async Task GetStatisticsAsync_CountsCommittedPendingAndFailed()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "a1", "a2"));
        await Commit(registry, Version("doc-b", 1, "b1"));
        await registry.StageAsync(Version("doc-c", 1, "c1"));
        await registry.MarkFailedAsync("doc-b", "boom");

        var statistics = await registry.GetStatisticsAsync();

        Assert.Equal(2, statistics.Documents);
        Assert.Equal(3, statistics.Chunks);
        Assert.Equal(1, statistics.PendingDocuments);
        Assert.Equal(1, statistics.FailedDocuments);
    }

    [Fact]
    public async Task GetManyAsync_SomeUnknown_ReturnsTheKnownOnes()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "a"));
        await Commit(registry, Version("doc-b", 1, "b"));

        var found = await registry.GetManyAsync(["doc-a", "doc-b", "doc-z"]);

        Assert.Equal(["doc-a", "doc-b"], found.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetAsync_UnknownDocument_ReturnsNull()
    {
        var registry = CreateRegistry();

        Assert.Null(await registry.GetAsync("nope"));
        Assert.Empty(await registry.GetChunksAsync("nope", 1));
    }
}
