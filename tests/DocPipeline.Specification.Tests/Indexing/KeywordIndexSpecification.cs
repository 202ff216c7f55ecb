using DocPipeline.Indexing;
using Xunit;

namespace DocPipeline.Specification.Tests.Indexing;

/// <summary>
/// The contract of <see cref="IKeywordIndex"/>: what every keyword index must do, whatever its backend. An
/// implementation's test class inherits this suite and supplies <see cref="CreateIndex"/>.
/// </summary>
public abstract class KeywordIndexSpecification : IAsyncLifetime
{
    private readonly Lock _indexLock = new();
    private IKeywordIndex? _index;

    /// <summary>Gets the index under test, created on first use (once, even when concurrent tasks ask first) and disposed after the test.</summary>
    protected IKeywordIndex Index
    {
        get
        {
            lock (_indexLock)
            {
                return _index ??= CreateIndex();
            }
        }
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        switch (_index)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Fact]
    public void Name_IsKeyword()
    {
        Assert.Equal("keyword", Index.Name);
    }

    [Fact]
    public async Task SearchAsync_InflectedQueryWord_FindsOtherFormsOfTheWord()
    {
        await Index.UpsertAsync(
        [
            Record("c1", "d1", "She runs along the river every morning."),
            Record("c2", "d2", "We run the marathon in spring."),
            Record("c3", "d3", "Cooking pasta for dinner tonight."),
        ]);

        var hits = await Index.SearchAsync("running", 10);

        Assert.Equal(["c1", "c2"], hits.Select(h => h.ChunkId).Order());
    }

    [Fact]
    public async Task SearchAsync_ChunkMatchingMoreQueryWords_RanksFirst()
    {
        await AssertRankingAsync(
            [
                Record("one-word", "d1", "apple cherry date elder"),
                Record("two-words", "d2", "apple banana cherry date"),
                Record("no-word", "d3", "fig grape honeydew kiwi"),
            ],
            "apple banana",
            ["two-words", "one-word"]);
    }

    [Fact]
    public async Task SearchAsync_ChunkRepeatingTheQueryWord_RanksFirst()
    {
        await AssertRankingAsync(
            [Record("once", "d1", "volcano lava basalt crater"), Record("thrice", "d2", "volcano volcano volcano crater")],
            "volcano",
            ["thrice", "once"]);
    }

    [Fact]
    public async Task SearchAsync_Hit_CarriesDocumentVersionAndPositiveScore()
    {
        await Index.UpsertAsync([Record("c1", "doc-7", "telescope mirror", version: 3)]);

        var hit = Assert.Single(await Index.SearchAsync("telescope", 10));

        Assert.Equal(("c1", "doc-7", 3), (hit.ChunkId, hit.DocumentId, hit.Version));
        Assert.True(hit.Score > 0, $"Score {hit.Score} should be positive.");
    }

    [Fact]
    public async Task SearchAsync_TopK_ReturnsOnlyTheBestHitsInOrder()
    {
        await Index.UpsertAsync(
        [
            Record("c1", "d", "comet"),
            Record("c2", "d", "comet comet tail"),
            Record("c3", "d", "comet comet comet tail"),
            Record("c4", "d", "comet dust tail ice rock orbit sun"),
            Record("c5", "d", "asteroid"),
        ]);
        var all = await Index.SearchAsync("comet", 10);

        var top = await Index.SearchAsync("comet", 2);

        Assert.Equal(4, all.Count);
        Assert.Equal(all.Take(2).Select(h => h.ChunkId), top.Select(h => h.ChunkId));
        Assert.True(all.Zip(all.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score), "Hits should come best first.");
    }

    [Theory]
    [InlineData("apple AND (")]
    [InlineData("title:\"apple")]
    [InlineData("apple~2^3")]
    [InlineData("[apple TO zebra}")]
    [InlineData("+apple -")]
    [InlineData("apple* OR ?")]
    [InlineData("apple\\")]
    [InlineData("a:b:c apple || &&")]
    [InlineData("/apple/")]
    public async Task SearchAsync_QuerySyntaxCharacters_AreSearchedAsPlainWords(string query)
    {
        await Index.UpsertAsync([Record("c1", "d1", "an apple a day"), Record("c2", "d2", "a pear a day")]);

        var hits = await Index.SearchAsync(query, 10);

        Assert.Contains("c1", hits.Select(h => h.ChunkId));
        Assert.DoesNotContain("c2", hits.Select(h => h.ChunkId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("(")]
    [InlineData("\"")]
    [InlineData("*")]
    [InlineData("&& || !")]
    [InlineData("title:")]
    [InlineData("\\")]
    public async Task SearchAsync_EmptyQueryOrOnlySyntaxCharacters_ReturnsNoHits(string query)
    {
        await Index.UpsertAsync([Record("c1", "d1", "an apple a day")]);

        Assert.Empty(await Index.SearchAsync(query, 10));
    }

    [Fact]
    public async Task SearchAsync_EmptyIndex_ReturnsNoHits()
    {
        Assert.Empty(await Index.SearchAsync("apple", 10));
    }

    [Fact]
    public async Task UpsertAsync_SameChunkId_ReplacesTheEntry()
    {
        await Index.UpsertAsync([Record("c1", "d1", "original walrus text", version: 1)]);

        await Index.UpsertAsync([Record("c1", "d1", "edited narwhal text", version: 2)]);

        Assert.Empty(await Index.SearchAsync("walrus", 10));
        var hit = Assert.Single(await Index.SearchAsync("narwhal", 10));
        Assert.Equal(("c1", 2), (hit.ChunkId, hit.Version));
        Assert.Equal([new IndexEntry("c1", "d1", 2)], await ListAsync());
    }

    [Fact]
    public async Task UpsertAsync_SameRecordsTwice_SameIndexAsOnce()
    {
        IReadOnlyList<KeywordRecord> records = [Record("c1", "d1", "idempotent write"), Record("c2", "d1", "second chunk")];

        await Index.UpsertAsync(records);
        await Index.UpsertAsync(records);

        Assert.Equal(2, (await ListAsync()).Count);
        Assert.Single(await Index.SearchAsync("idempotent", 10));
    }

    [Fact]
    public async Task UpsertAsync_EmptyBatch_ChangesNothing()
    {
        await Index.UpsertAsync([Record("c1", "d1", "kept")]);

        await Index.UpsertAsync([]);

        Assert.Single(await ListAsync());
    }

    [Fact]
    public async Task UpsertAsync_RecordWithMetadata_IsIndexed()
    {
        var record = new KeywordRecord
        {
            ChunkId = "c1",
            DocumentId = "d1",
            Version = 1,
            Text = "metadata travels along",
            Metadata = new Dictionary<string, string> { ["source"] = "/docs/a.md", ["page"] = "3", ["quote\"key"] = "line\nbreak" },
        };

        await Index.UpsertAsync([record]);

        Assert.Single(await Index.SearchAsync("metadata", 10));
    }

    [Fact]
    public async Task UpsertAsync_ConcurrentWriters_EachWriteIsSearchableWhenItsTaskCompletes()
    {
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var batch = 0; batch < 5; batch++)
            {
                var marker = $"marker{writer}x{batch}";
                await Index.UpsertAsync(
                    Enumerable.Range(0, 10).Select(i => Record($"w{writer}-b{batch}-{i}", $"doc{writer}", $"{marker} chunk {i}")).ToList());

                Assert.Equal(10, (await Index.SearchAsync(marker, 100)).Count);
            }
        }));

        await Task.WhenAll(writers);

        Assert.Equal(400, (await ListAsync()).Count);
    }

    [Fact]
    public async Task DeleteChunksAsync_RemovesThoseChunksOnly_IgnoresUnknownIds()
    {
        await Index.UpsertAsync([Record("c1", "d1", "shared word"), Record("c2", "d1", "shared word"), Record("c3", "d2", "shared word")]);

        await Index.DeleteChunksAsync(["c1", "c3", "never-indexed"]);

        Assert.Equal(["c2"], (await Index.SearchAsync("shared", 10)).Select(h => h.ChunkId));
        Assert.Equal([new IndexEntry("c2", "d1", 1)], await ListAsync());
    }

    [Fact]
    public async Task DeleteDocumentsAsync_RemovesEveryChunkOfThoseDocuments()
    {
        await Index.UpsertAsync(
        [
            Record("a1", "doc-a", "shared word"),
            Record("a2", "doc-a", "shared word"),
            Record("b1", "doc-b", "shared word"),
            Record("c1", "doc-c", "shared word"),
        ]);

        await Index.DeleteDocumentsAsync(["doc-a", "doc-c", "doc-unknown"]);

        Assert.Equal(["b1"], (await Index.SearchAsync("shared", 10)).Select(h => h.ChunkId));
        Assert.Equal([new IndexEntry("b1", "doc-b", 1)], await ListAsync());
    }

    [Fact]
    public async Task DeleteAsync_EmptyIdLists_ChangeNothing()
    {
        await Index.UpsertAsync([Record("c1", "d1", "kept")]);

        await Index.DeleteChunksAsync([]);
        await Index.DeleteDocumentsAsync([]);

        Assert.Single(await ListAsync());
    }

    [Fact]
    public async Task ListEntriesAsync_ReturnsEveryLiveEntryWithItsVersion()
    {
        await Index.UpsertAsync(
        [
            Record("c1", "d1", "one", version: 1),
            Record("c2", "d1", "two", version: 1),
            Record("c3", "d2", "three", version: 4),
        ]);
        await Index.UpsertAsync([Record("c2", "d1", "two again", version: 2)]);
        await Index.DeleteChunksAsync(["c1"]);

        var entries = await ListAsync();

        Assert.Equal([new IndexEntry("c2", "d1", 2), new IndexEntry("c3", "d2", 4)], entries.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListEntriesAsync_ManyEntries_StreamsThemAll()
    {
        var records = Enumerable.Range(0, 5000).Select(i => Record($"c{i}", $"d{i % 50}", $"text {i}")).ToList();
        await Index.UpsertAsync(records);

        var entries = await ListAsync();

        Assert.Equal(records.Select(r => r.ChunkId).Order(StringComparer.Ordinal), entries.Select(e => e.ChunkId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetStatisticsAsync_CountsEntriesAndDocuments()
    {
        await Index.UpsertAsync(
        [
            Record("a1", "doc-a", "x"),
            Record("a2", "doc-a", "x"),
            Record("b1", "doc-b", "x"),
            Record("c1", "doc-c", "x"),
        ]);
        await Index.DeleteDocumentsAsync(["doc-c"]);
        await Index.DeleteChunksAsync(["a1"]);

        var statistics = await Index.GetStatisticsAsync();

        Assert.Equal(2, statistics.Entries);
        Assert.True(statistics.Documents is 2 or -1, $"Documents was {statistics.Documents}; expected 2 (or -1 when unknown).");
        Assert.True(statistics.SizeBytes >= -1, $"SizeBytes was {statistics.SizeBytes}.");
    }

    [Fact]
    public async Task GetStatisticsAsync_EmptyIndex_CountsZero()
    {
        var statistics = await Index.GetStatisticsAsync();

        Assert.Equal(0, statistics.Entries);
        Assert.True(statistics.Documents is 0 or -1, $"Documents was {statistics.Documents}.");
    }

    [Fact]
    public async Task ClearAsync_RemovesEverything_AndTheIndexStaysUsable()
    {
        await Index.UpsertAsync([Record("c1", "d1", "before clear"), Record("c2", "d2", "before clear")]);

        await Index.ClearAsync();

        Assert.Empty(await ListAsync());
        Assert.Empty(await Index.SearchAsync("clear", 10));
        Assert.Equal(0, (await Index.GetStatisticsAsync()).Entries);
        await Index.UpsertAsync([Record("c3", "d3", "after clear")]);
        Assert.Equal(["c3"], (await Index.SearchAsync("clear", 10)).Select(h => h.ChunkId));
    }

    /// <summary>Indexes <paramref name="records"/>, searches, and checks the hits come in <paramref name="expected"/> order with strictly falling scores.</summary>
    protected async Task AssertRankingAsync(IReadOnlyList<KeywordRecord> records, string query, string[] expected)
    {
        await Index.UpsertAsync(records);

        var hits = await Index.SearchAsync(query, 10);

        Assert.Equal(expected, hits.Select(h => h.ChunkId));
        Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Score > pair.Second.Score), $"Scores {string.Join(", ", hits.Select(h => h.Score))} should fall.");
    }

    /// <summary>Builds a record.</summary>
    protected static KeywordRecord Record(string chunkId, string documentId, string text, int version = 1) =>
        new() { ChunkId = chunkId, DocumentId = documentId, Text = text, Version = version };

    /// <summary>Collects every entry of <see cref="Index"/>.</summary>
    protected async Task<List<IndexEntry>> ListAsync()
    {
        var entries = new List<IndexEntry>();
        await foreach (var entry in Index.ListEntriesAsync())
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Creates a new, empty index for one test. The suite disposes it (when disposable) after the test.</summary>
    protected abstract IKeywordIndex CreateIndex();
}
