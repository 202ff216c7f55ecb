using DocPipeline.Indexing;
using Xunit;
using static DocPipeline.Specification.Tests.Indexing.VectorTestData;

namespace DocPipeline.Specification.Tests.Indexing;

/// <summary>
/// The contract of <see cref="IVectorIndex"/>. Every implementation's test class inherits it and supplies only
/// <see cref="CreateIndex"/>.
/// </summary>
public abstract class VectorIndexSpecification : IAsyncLifetime
{
    private const double Tolerance = 1e-5;
    private readonly List<IVectorIndex> _created = [];

    protected TestDirectory Directory { get; } = new();

    /// <summary>Creates an empty index that keeps its files (if any) in <paramref name="directory"/>.</summary>
    protected abstract IVectorIndex CreateIndex(string directory);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var index in _created)
        {
            await DisposeIndexAsync(index);
        }

        Directory.Dispose();
    }

    [Fact]
    public void Name_IsVector()
    {
        Assert.Equal("vector", NewIndex().Name);
    }

    [Fact]
    public async Task SearchAsync_RandomVectors_ReturnsTheTopKOfABruteForceScan()
    {
        var index = NewIndex();
        var random = new Random(1234);
        var records = Enumerable.Range(0, 600)
            .Select(i => Record($"c{i}", $"d{i % 7}", RandomVector(random, 24), version: i % 3))
            .ToList();
        await index.UpsertAsync(records);
        var vectors = records.ToDictionary(r => r.ChunkId, r => r.Vector.ToArray());

        for (var q = 0; q < 20; q++)
        {
            var query = RandomVector(random, 24);
            var expected = TopScores(query, vectors.Values, 10);

            var hits = await index.SearchAsync(query, 10);

            // Scores match the brute-force ranking position by position, each hit's score is the true cosine of its
            // own vector, and no chunk repeats: together, the hits are the top 10 (up to exact ties).
            Assert.Equal(10, hits.Count);
            Assert.Equal(10, hits.Select(h => h.ChunkId).Distinct().Count());
            for (var i = 0; i < hits.Count; i++)
            {
                Assert.Equal(expected[i], hits[i].Score, Tolerance);
                Assert.Equal(Cosine(query, vectors[hits[i].ChunkId]), hits[i].Score, Tolerance);
                var record = records.Single(r => r.ChunkId == hits[i].ChunkId);
                Assert.Equal(record.DocumentId, hits[i].DocumentId);
                Assert.Equal(record.Version, hits[i].Version);
            }
        }
    }

    [Fact]
    public async Task SearchAsync_VectorsOfKnownAngles_ScoresAreCosineSimilarityBestFirst()
    {
        var index = NewIndex();
        await index.UpsertAsync(
        [
            Record("minus45", "d", [-3f, -3f]),
            Record("same", "d", [2f, 0f]),
            Record("opposite", "d", [-4f, 0f]),
            Record("plus45", "d", [5f, 5f]),
            Record("orthogonal", "d", [0f, 0.5f]),
        ]);

        var hits = await index.SearchAsync(new float[] { 0.25f, 0f }, 5);

        Assert.Equal(["same", "plus45", "orthogonal", "minus45", "opposite"], hits.Select(h => h.ChunkId));
        Assert.Equal(1.0, hits[0].Score, Tolerance);
        Assert.Equal(Math.Sqrt(0.5), hits[1].Score, Tolerance);
        Assert.Equal(0.0, hits[2].Score, Tolerance);
        Assert.Equal(-Math.Sqrt(0.5), hits[3].Score, Tolerance);
        Assert.Equal(-1.0, hits[4].Score, Tolerance);
    }

    [Fact]
    public async Task SearchAsync_TopKLargerThanCount_ReturnsEveryEntry()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d", [1f, 0f]), Record("b", "d", [0f, 1f]), Record("c", "d", [1f, 1f])]);

        var hits = await index.SearchAsync(new float[] { 1f, 0f }, 50);

        Assert.Equal(["a", "c", "b"], hits.Select(h => h.ChunkId));
    }

    [Fact]
    public async Task SearchAsync_EmptyIndex_ReturnsNoHits()
    {
        var index = NewIndex();

        var hits = await index.SearchAsync(new float[] { 1f, 2f, 3f }, 5);

        Assert.Empty(hits);
    }

    [Fact]
    public async Task SearchAsync_EveryEntryDeleted_ReturnsNoHits()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d1", [1f, 0f]), Record("b", "d2", [0f, 1f])]);
        await index.DeleteChunksAsync(["a"]);
        await index.DeleteDocumentsAsync(["d2"]);

        var hits = await index.SearchAsync(new float[] { 1f, 0f }, 5);

        Assert.Empty(hits);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task SearchAsync_TopKNotPositive_ThrowsArgumentOutOfRange(int topK)
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d", [1f, 0f])]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.SearchAsync(new float[] { 1f, 0f }, topK));
    }

    [Fact]
    public async Task SearchAsync_QueryOfOtherDimensions_ThrowsNamingBothLengths()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d", [1f, 0f, 0f, 0f])]);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => index.SearchAsync(new float[] { 1f, 0f, 0f }, 5));

        Assert.Contains("3 dimensions", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAsync_ZeroQuery_ThrowsArgumentException()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d", [1f, 0f])]);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => index.SearchAsync(new float[] { 0f, 0f }, 5));

        Assert.Contains("zeros", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_SameChunkId_ReplacesVectorDocumentAndVersion()
    {
        var index = NewIndex();
        float[] before = [1f, 0f, 0f];
        float[] after = [0f, 1f, 1f];
        await index.UpsertAsync([Record("a", "d1", before, version: 1), Record("b", "d1", [0f, 0f, 1f], version: 1)]);

        await index.UpsertAsync([Record("a", "d2", after, version: 2)]);

        var entries = await ListAsync(index);
        Assert.Equal(2, entries.Count);
        Assert.Contains(new IndexEntry("a", "d2", 2), entries);
        var hit = (await index.SearchAsync(after, 1)).Single();
        Assert.Equal(new IndexHit("a", "d2", 2, hit.Score), hit);
        Assert.Equal(1.0, hit.Score, Tolerance);
        var old = (await index.SearchAsync(before, 2)).Single(h => h.ChunkId == "a");
        Assert.Equal(Cosine(before, after), old.Score, Tolerance);
    }

    [Fact]
    public async Task UpsertAsync_SameVectorNewVersion_UpdatesTheVersion()
    {
        var index = NewIndex();
        float[] vector = [0.3f, 0.4f, 0.5f];
        await index.UpsertAsync([Record("a", "d", vector, version: 1)]);

        await index.UpsertAsync([Record("a", "d", vector, version: 5)]);

        Assert.Equal([new IndexEntry("a", "d", 5)], await ListAsync(index));
        Assert.Equal(5, (await index.SearchAsync(vector, 1)).Single().Version);
    }

    [Fact]
    public async Task UpsertAsync_SameChunkTwiceInOneBatch_LastOneWins()
    {
        var index = NewIndex();

        await index.UpsertAsync([Record("a", "d", [1f, 0f], version: 1), Record("a", "d", [0f, 1f], version: 2)]);

        Assert.Equal([new IndexEntry("a", "d", 2)], await ListAsync(index));
        Assert.Equal(1.0, (await index.SearchAsync(new float[] { 0f, 1f }, 1)).Single().Score, Tolerance);
    }

    [Fact]
    public async Task UpsertAsync_VectorOfOtherDimensions_ThrowsNamingBothLengthsAndWritesNothingOfTheBatch()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d", [1f, 0f, 0f, 0f])]);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => index.UpsertAsync([Record("b", "d", [0f, 1f, 0f, 0f]), Record("c", "d", [1f, 1f, 1f])]));

        Assert.Contains("3 dimensions", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 dimensions", error.Message, StringComparison.Ordinal);
        Assert.Contains("'c'", error.Message, StringComparison.Ordinal);
        Assert.Equal([new IndexEntry("a", "d", 1)], await ListAsync(index));
    }

    [Fact]
    public async Task UpsertAsync_FirstBatchOfMixedLengths_ThrowsAndIndexStaysEmpty()
    {
        var index = NewIndex();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => index.UpsertAsync([Record("a", "d", [1f, 0f]), Record("b", "d", [1f, 0f, 0f])]));

        Assert.Contains("3 dimensions", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 dimensions", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ListAsync(index));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinity")]
    [InlineData(0f, "zeros")]
    public async Task UpsertAsync_VectorWithoutDirection_ThrowsSayingWhy(float value, string reason)
    {
        var index = NewIndex();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => index.UpsertAsync([Record("good", "d", [1f, 2f]), Record("bad", "d", [value, 0f])]));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ListAsync(index));
    }

    [Fact]
    public async Task UpsertAsync_EmptyVector_ThrowsArgumentException()
    {
        var index = NewIndex();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => index.UpsertAsync([Record("a", "d", [])]));
    }

    [Fact]
    public async Task UpsertAsync_EmptyBatch_ChangesNothing()
    {
        var index = NewIndex();

        await index.UpsertAsync([]);

        Assert.Empty(await ListAsync(index));
        Assert.Equal(0, (await index.GetStatisticsAsync()).Entries);
    }

    [Fact]
    public async Task UpsertAsync_NullRecords_ThrowsArgumentNull()
    {
        var index = NewIndex();

        await Assert.ThrowsAsync<ArgumentNullException>(() => index.UpsertAsync(null!));
    }

    [Fact]
    public async Task DeleteChunksAsync_SomeIdsUnknown_RemovesOnlyTheKnownOnes()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d1", [1f, 0f]), Record("b", "d1", [0f, 1f]), Record("c", "d2", [1f, 1f])]);

        await index.DeleteChunksAsync(["a", "c", "never-written"]);

        Assert.Equal([new IndexEntry("b", "d1", 1)], await ListAsync(index));
        Assert.Equal(["b"], (await index.SearchAsync(new float[] { 1f, 0f }, 10)).Select(h => h.ChunkId));
    }

    [Fact]
    public async Task DeleteDocumentsAsync_RemovesEveryChunkOfThoseDocumentsOnly()
    {
        var index = NewIndex();
        await index.UpsertAsync(
        [
            Record("a1", "a", [1f, 0f]), Record("a2", "a", [0f, 1f]), Record("b1", "b", [1f, 1f]),
            Record("c1", "c", [1f, 2f]), Record("c2", "c", [2f, 1f]),
        ]);

        await index.DeleteDocumentsAsync(["a", "c", "unknown"]);

        Assert.Equal([new IndexEntry("b1", "b", 1)], await ListAsync(index));
        var statistics = await index.GetStatisticsAsync();
        Assert.Equal(1, statistics.Entries);
        Assert.Equal(1, statistics.Documents);
    }

    [Fact]
    public async Task ListEntriesAsync_ReturnsEveryEntryWithItsDocumentAndVersion()
    {
        var index = NewIndex();
        var random = new Random(7);
        var records = Enumerable.Range(0, 250).Select(i => Record($"c{i}", $"d{i / 10}", RandomVector(random, 8), version: i % 4)).ToList();
        await index.UpsertAsync(records);

        var entries = await ListAsync(index);

        Assert.Equal(
            records.Select(r => new IndexEntry(r.ChunkId, r.DocumentId, r.Version)).OrderBy(e => e.ChunkId, StringComparer.Ordinal),
            entries.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetStatisticsAsync_CountsEntriesAndDistinctDocuments()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a1", "a", [1f, 0f]), Record("a2", "a", [0f, 1f]), Record("b1", "b", [1f, 1f])]);
        await index.UpsertAsync([Record("a2", "b", [0f, 1f], version: 2)]);

        var statistics = await index.GetStatisticsAsync();

        Assert.Equal(3, statistics.Entries);
        Assert.Equal(2, statistics.Documents);
    }

    [Fact]
    public async Task ClearAsync_RemovesEveryEntry()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d1", [1f, 0f]), Record("b", "d2", [0f, 1f])]);

        await index.ClearAsync();

        Assert.Empty(await ListAsync(index));
        Assert.Empty(await index.SearchAsync(new float[] { 1f, 0f }, 5));
        var statistics = await index.GetStatisticsAsync();
        Assert.Equal(0, statistics.Entries);
        Assert.Equal(0, statistics.Documents);
    }

    [Fact]
    public async Task ClearAsync_ThenVectorsOfOtherDimensions_AreAccepted()
    {
        var index = NewIndex();
        await index.UpsertAsync([Record("a", "d", [1f, 0f])]);

        await index.ClearAsync();
        await index.UpsertAsync([Record("b", "d", [0f, 0f, 1f])]);

        var hit = (await index.SearchAsync(new float[] { 0f, 0f, 2f }, 5)).Single();
        Assert.Equal("b", hit.ChunkId);
        Assert.Equal(1.0, hit.Score, Tolerance);
    }

    [Fact]
    public async Task SearchAsync_WhileChunksAreReplacedAndDeleted_EveryHitCarriesTheScoreOfItsOwnVersion()
    {
        // Each (chunk, version) has its own vector. A hit whose score does not match the vector of the version it
        // reports would mean a search saw a vector and an entry that do not belong together (a torn or reused slot).
        var index = NewIndex();
        const int Chunks = 12;
        const int Dimensions = 16;
        await index.UpsertAsync(Enumerable.Range(0, Chunks).Select(c => VersionedRecord(c, 0, Dimensions)).ToList());

        using var done = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            try
            {
                for (var version = 1; version <= 40; version++)
                {
                    await index.UpsertAsync(Enumerable.Range(0, Chunks).Select(c => VersionedRecord(c, version, Dimensions)).ToList());
                    if (version % 3 == 0)
                    {
                        await index.DeleteChunksAsync(Enumerable.Range(0, Chunks / 2).Select(c => $"c{c}").ToList());
                    }
                }
            }
            finally
            {
                await done.CancelAsync();
            }
        });

        var checkedHits = 0;
        var searchers = Enumerable.Range(0, 3).Select(s => Task.Run(async () =>
        {
            var random = new Random(s);

            // At least a few searches each: an in-memory writer can finish before a searcher is even scheduled.
            for (var searches = 0; !done.IsCancellationRequested || searches < 20; searches++)
            {
                var query = RandomVector(random, Dimensions);
                foreach (var hit in await index.SearchAsync(query, Chunks))
                {
                    var chunk = int.Parse(hit.ChunkId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(Cosine(query, VersionedVector(chunk, hit.Version, Dimensions)), hit.Score, Tolerance);
                    Interlocked.Increment(ref checkedHits);
                }
            }
        })).ToList();

        await writer;
        await Task.WhenAll(searchers);

        Assert.True(checkedHits > 0);
        var final = await ListAsync(index);
        Assert.Equal(Chunks, final.Count);
        Assert.All(final, entry => Assert.Equal(40, entry.Version));
    }

    protected IVectorIndex NewIndex()
    {
        var index = CreateIndex(Directory.File(Guid.NewGuid().ToString("N")));
        _created.Add(index);
        return index;
    }

    protected static async Task DisposeIndexAsync(IVectorIndex index)
    {
        if (index is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (index is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private static VectorRecord VersionedRecord(int chunk, int version, int dimensions) =>
        Record($"c{chunk}", $"d{chunk % 3}", VersionedVector(chunk, version, dimensions), version);
}
