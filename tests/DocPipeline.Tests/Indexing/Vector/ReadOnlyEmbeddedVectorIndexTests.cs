using System.Collections.Concurrent;
using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using static DocPipeline.Specification.Tests.Indexing.VectorTestData;

namespace DocPipeline.Tests.Indexing.Vector;

/// <summary>
/// A read-only index beside a writer of the same folder (another instance: no shared memory, no shared lock, just as
/// another process): it sees committed entries, never a torn or reused vector, and takes no lock.
/// </summary>
public sealed class ReadOnlyEmbeddedVectorIndexTests : IDisposable
{
    private const int Dimensions = 16;
    private readonly TestDirectory _directory = new();
    private readonly List<EmbeddedVectorIndex> _opened = [];

    private string IndexPath => _directory.File("vectors");


    [Fact]
    public async Task Search_WhileAnotherInstanceAppendsDeletesAndClears_EveryHitHasItsOwnVectorAndWasWritten()
    {
        // A small file and a bounded live set: the writer reuses freed slots all the time, and clears (a new vector
        // file) now and then, while the reader's snapshot is up to a second old.
        var writer = Open(readOnly: false, initialCapacity: 64);
        var reader = Open(readOnly: true);
        var written = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var recent = new ConcurrentQueue<int>();
        await writer.UpsertAsync([Record("c0", "d0", VectorOf(0))]);
        written["c0"] = true;
        recent.Enqueue(0);
        var writes = Task.Run(async () =>
        {
            var next = 1;
            var live = new Queue<int>([0]);
            for (var round = 1; round <= 400; round++)
            {
                var batch = Enumerable.Range(next, 8).Select(n => Record($"c{n}", $"d{n % 7}", VectorOf(n))).ToList();
                foreach (var record in batch)
                {
                    written[record.ChunkId] = true;
                }

                await writer.UpsertAsync(batch);
                foreach (var record in batch)
                {
                    live.Enqueue(int.Parse(record.ChunkId[1..], System.Globalization.CultureInfo.InvariantCulture));
                    recent.Enqueue(next);
                    next++;
                }

                while (live.Count > 40)
                {
                    await writer.DeleteChunksAsync([$"c{live.Dequeue()}"]);
                }

                while (recent.Count > 64)
                {
                    recent.TryDequeue(out _);
                }

                if (round % 150 == 0)
                {
                    await writer.ClearAsync();
                    live.Clear();
                }
            }
        });

        var searches = 0;
        while (!writes.IsCompleted || searches < 50)
        {
            var target = recent.LastOrDefault();
            var query = VectorOf(target);
            var hits = await reader.SearchAsync(query, 5);
            foreach (var hit in hits)
            {
                Assert.True(written.ContainsKey(hit.ChunkId), $"Hit {hit.ChunkId} was never written.");
                var number = int.Parse(hit.ChunkId[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(
                    Math.Abs(hit.Score - Cosine(query, VectorOf(number))) < 1e-4,
                    $"Hit {hit.ChunkId} scored {hit.Score}, but its own vector scores {Cosine(query, VectorOf(number))}: the reader read another chunk's (or a torn) vector.");
            }

            _ = await reader.GetStatisticsAsync();
            searches++;
        }

        await writes;
        Assert.True(reader.SnapshotsOpened > 1, "The reader never opened a newer snapshot while the writer wrote.");

        // Settled: the reader sees exactly what the writer holds.
        await WaitForAsync(async () => (await ListAsync(reader)).Count == (await ListAsync(writer)).Count);
        Assert.Equal(
            (await ListAsync(writer)).Select(e => e.ChunkId).Order(StringComparer.Ordinal),
            (await ListAsync(reader)).Select(e => e.ChunkId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Open_BesideAWriter_TakesNoLockAndRefusesWrites()
    {
        var reader = Open(readOnly: true);
        Assert.Empty(await reader.SearchAsync(VectorOf(1), 3));
        Assert.False(Directory.Exists(IndexPath), "A read-only open created the index folder.");

        var writer = Open(readOnly: false);
        await writer.UpsertAsync([Record("c1", "d1", VectorOf(1))]);

        await WaitForAsync(async () => (await reader.SearchAsync(VectorOf(1), 3)).Count == 1);
        Assert.Equal("c1", (await reader.SearchAsync(VectorOf(1), 3))[0].ChunkId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.UpsertAsync([Record("c2", "d2", VectorOf(2))]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.DeleteDocumentsAsync(["d1"]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ClearAsync());
        Assert.Equal(1, (await writer.GetStatisticsAsync()).Entries);
    }

    public void Dispose()
    {
        _opened.ForEach(index => index.Dispose());
        _directory.Dispose();
    }

    private static float[] VectorOf(int chunk)
    {
        var random = new Random(chunk);
        return RandomVector(random, Dimensions);
    }

    /// <summary>Waits for a condition the reader reaches once it looks again (at most a second after the last commit); bounded by a generous timeout.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private EmbeddedVectorIndex Open(bool readOnly, int initialCapacity = 1024)
    {
        var index = new EmbeddedVectorIndex(IndexPath, new VectorIndexOptions { InitialCapacity = initialCapacity }, TimeProvider.System, NullLogger.Instance, readOnly);
        _opened.Add(index);
        return index;
    }
}
