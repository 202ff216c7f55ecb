using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Management;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Chunking;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Management;

public sealed class IndexManagerTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task UpdateAsync_OneParagraphOfALongDocumentEdited_EmbedsOnlyTheChangedChunks()
    {
        var paragraphs = Enumerable.Range(0, 750).Select(Paragraph).ToList();
        var path = _directory.Write("long.txt", string.Join("\n\n", paragraphs));
        await using var pipeline = new TestPipeline(_directory);
        var manager = pipeline.Get<IIndexManager>();
        var added = await manager.AddAsync(path);
        Assert.True(added.Chunks >= 300, $"the document has {added.Chunks} chunks");
        pipeline.Embedder.Reset();

        paragraphs[400] = paragraphs[400].Replace("harbour", "lagoon", StringComparison.Ordinal);
        File.WriteAllText(path, string.Join("\n\n", paragraphs));
        var updated = await manager.UpdateAsync(added.DocumentId, path);

        Assert.Equal(DocumentOperationOutcome.Updated, updated.Outcome);
        Assert.InRange(pipeline.Embedder.Texts, 1, EditLocalityPropertyTests.MaxChangedChunks); // here 3: the paragraph's segment is cut in three
        Assert.Equal(pipeline.Embedder.Texts, updated.Embedded);
        await CrashSafeUpdateTests.AssertIndexesHoldExactlyTheCommittedVersionAsync(pipeline, added.DocumentId);
    }

    [Fact]
    public async Task RemoveAsync_Document_EveryChunkLeavesBothIndexesAndTheRegistry()
    {
        var keep = _directory.Write("keep.txt", "A document that stays.\n\nIt has two paragraphs.");
        var gone = _directory.Write("gone.txt", string.Join("\n\n", Enumerable.Range(0, 60).Select(Paragraph)));
        await using var pipeline = new TestPipeline(_directory);
        var manager = pipeline.Get<IIndexManager>();
        await manager.AddAsync(keep);
        var added = await manager.AddAsync(gone);

        var removed = await manager.RemoveAsync(added.DocumentId);

        Assert.Equal(DocumentOperationOutcome.Removed, removed.Outcome);
        Assert.True(added.Chunks > 1, $"the document has {added.Chunks} chunks");
        Assert.Equal(added.Chunks, removed.Chunks);
        Assert.False(await manager.ExistsAsync(added.DocumentId));
        Assert.Null(await pipeline.Get<IDocumentRegistry>().GetAsync(added.DocumentId));
        foreach (ISearchIndex index in new ISearchIndex[] { pipeline.Get<IVectorIndex>(), pipeline.Get<IKeywordIndex>() })
        {
            var entries = new List<IndexEntry>();
            await foreach (var entry in index.ListEntriesAsync())
            {
                entries.Add(entry);
            }

            Assert.DoesNotContain(entries, e => e.DocumentId == added.DocumentId);
            Assert.NotEmpty(entries);
        }

        Assert.Null(await pipeline.Get<DocPipeline.Fingerprints.IFingerprintStore>().GetAsync(gone));
    }

    [Fact]
    public async Task SingleOperations_UnknownIdOrMissingFile_ThrowClearErrors()
    {
        await using var pipeline = new TestPipeline(_directory);
        var manager = pipeline.Get<IIndexManager>();
        var file = _directory.Write("a.txt", "text");

        var unknownRemove = await Assert.ThrowsAsync<DocumentNotFoundException>(() => manager.RemoveAsync("no-such-doc"));
        var unknownUpdate = await Assert.ThrowsAsync<DocumentNotFoundException>(() => manager.UpdateAsync("no-such-doc", file));
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => manager.AddAsync(_directory.File("missing.txt")));

        Assert.Contains("no-such-doc", unknownRemove.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-doc", unknownUpdate.Message, StringComparison.Ordinal);
        Assert.Contains("missing.txt", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_MixedBatch_EachOperationGetsItsOwnOutcomeAndLaterOnesSupersede()
    {
        var a = _directory.Write("a.txt", "alpha text");
        var b = _directory.Write("b.txt", "bravo text");
        var c = _directory.Write("c.txt", "charlie text");
        await using var pipeline = new TestPipeline(_directory);
        var manager = pipeline.Get<IIndexManager>();
        var first = await manager.ApplyAsync([DocumentOperation.Add(a), DocumentOperation.Add(b)]);
        File.AppendAllText(a, "\n\nmore alpha");

        var results = await manager.ApplyAsync(
        [
            DocumentOperation.Update(first[0].DocumentId, a),
            DocumentOperation.Remove(first[0].DocumentId),
            DocumentOperation.Add(c),
            DocumentOperation.Add(_directory.File("nope.txt")),
            DocumentOperation.Remove("unknown-id"),
            DocumentOperation.Add(b),
        ]);

        Assert.Equal(
            [DocumentOperationOutcome.Superseded, DocumentOperationOutcome.Removed, DocumentOperationOutcome.Added, DocumentOperationOutcome.Failed, DocumentOperationOutcome.Failed, DocumentOperationOutcome.Unchanged],
            results.Select(r => r.Outcome));
        Assert.Contains("does not exist", results[3].Error, StringComparison.Ordinal);
        Assert.Contains("unknown-id", results[4].Error, StringComparison.Ordinal);
        Assert.False(await manager.ExistsAsync(first[0].DocumentId));
    }

    [Fact]
    public async Task UpdateAsync_FromAnotherFile_DocumentKeepsItsIdAndTakesTheNewSource()
    {
        var original = _directory.Write("original.txt", "the original words about kestrels");
        var replacement = _directory.Write("elsewhere/replacement.txt", "replacement words about ospreys");
        await using var pipeline = new TestPipeline(_directory);
        var manager = pipeline.Get<IIndexManager>();
        var added = await manager.AddAsync(original);

        var updated = await manager.UpdateAsync(added.DocumentId, replacement);

        Assert.Equal(DocumentOperationOutcome.Updated, updated.Outcome);
        var document = await manager.GetAsync(added.DocumentId);
        Assert.Equal(replacement, document!.Source);
        var hits = await pipeline.Pipeline.SearchAsync("ospreys", new SearchOptions { Mode = SearchMode.Keyword });
        Assert.Equal((added.DocumentId, replacement), (hits[0].DocumentId, hits[0].Source));
        Assert.Empty(await pipeline.Pipeline.SearchAsync("kestrels", new SearchOptions { Mode = SearchMode.Keyword }));
    }

    [Fact]
    public async Task ListAsync_FilterAndPages_WalkEveryMatchingDocumentOnce()
    {
        for (var i = 0; i < 7; i++)
        {
            _directory.Write($"docs/n{i}.txt", $"note {i}");
        }

        _directory.Write("docs/page.md", "# a page");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        var manager = pipeline.Get<IIndexManager>();

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await manager.ListAsync(new DocumentListOptions { Filter = "*.txt", Limit = 3, After = after });
            seen.AddRange(page.Documents.Select(d => d.Source));
            after = page.NextAfter;
        }
        while (after is not null);

        Assert.Equal(7, seen.Count);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.All(seen, s => Assert.EndsWith(".txt", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetStatisticsAsync_AfterIngestWithAFailure_CountsEverything()
    {
        _directory.Write("docs/a.txt", "alpha");
        _directory.Write("docs/b.txt", "bravo\n\ncharlie");
        _directory.Write("docs/empty.txt", string.Empty);
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));

        var stats = await pipeline.Get<IIndexManager>().GetStatisticsAsync();

        Assert.Equal(2, stats.Documents);
        Assert.Equal(stats.Chunks, stats.VectorChunks);
        Assert.Equal(stats.Chunks, stats.KeywordChunks);
        Assert.Equal(1, stats.Jobs.Failed);
        Assert.Equal(2, stats.Jobs.Completed);
        Assert.True(stats.VectorBytes > 0 && stats.KeywordBytes > 0 && stats.RegistryBytes > 0);
        Assert.Equal("docpipeline-hashing-v1:384", stats.Embedder);
        Assert.NotNull(stats.LastRunAt);
        Assert.EndsWith("empty.txt", Assert.Single(stats.RecentFailures).Source, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>A paragraph of its own words, so that chunks differ and the edit is local.</summary>
    private static string Paragraph(int i) =>
        $"Paragraph {i} tells of ship number {i} that left the harbour at dawn with {i % 7 + 2} sailors, " +
        $"a cargo of {(i % 3 == 0 ? "salt" : i % 3 == 1 ? "timber" : "wool")} and a log book numbered {i * 17}. " +
        $"The crew of vessel {i} sang as the tide turned, and the keeper noted the time in ledger {i * 3}.";
}
