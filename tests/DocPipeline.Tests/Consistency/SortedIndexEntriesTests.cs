using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Consistency;

public sealed class SortedIndexEntriesTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(7, 1000)]
    [InlineData(5000, 1000)]
    [InlineData(3, 0)]
    public async Task SortAsync_AnyRunLength_ReadsEveryEntryOnceInChunkIdOrder(int runLength, int count)
    {
        var random = new Random(count + runLength);
        var entries = Enumerable.Range(0, count)
            .Select(i => new IndexEntry($"doc-{random.Next(50)}#{random.Next():x8}-{i}", $"doc-{i % 50}", i % 7))
            .ToList();

        await using var sorted = await SortedIndexEntries.SortAsync(ToAsync(entries), _directory.File("runs"), runLength, CancellationToken.None);
        var first = await ReadAllAsync(sorted);
        var second = await ReadAllAsync(sorted);

        Assert.Equal(entries.OrderBy(e => e.ChunkId, ChunkIdComparer.Instance), first);
        Assert.Equal(first, second);
        Assert.Equal(count, sorted.Count);
        Assert.Equal(runLength >= count ? 0 : (count + runLength - 1) / runLength, sorted.SpilledRuns);
    }

    [Fact]
    public async Task DisposeAsync_AfterSpilling_DeletesTheRunFiles()
    {
        var entries = Enumerable.Range(0, 100).Select(i => new IndexEntry($"c{i:D3}", "d", 1)).Reverse().ToList();
        var sorted = await SortedIndexEntries.SortAsync(ToAsync(entries), _directory.File("runs"), 10, CancellationToken.None);
        Assert.Equal(10, Directory.GetFiles(_directory.File("runs")).Length);

        await sorted.DisposeAsync();

        Assert.Empty(Directory.GetFiles(_directory.File("runs")));
    }

    private static async IAsyncEnumerable<IndexEntry> ToAsync(IEnumerable<IndexEntry> entries)
    {
        foreach (var entry in entries)
        {
            await Task.Yield();
            yield return entry;
        }
    }

    private static async Task<List<IndexEntry>> ReadAllAsync(SortedIndexEntries sorted)
    {
        var list = new List<IndexEntry>();
        await foreach (var entry in sorted.ReadAsync(CancellationToken.None))
        {
            list.Add(entry);
        }

        return list;
    }
}
