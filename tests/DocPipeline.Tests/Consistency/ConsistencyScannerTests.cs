using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Tests.Consistency;

public sealed class ConsistencyScannerTests
{
    [Fact]
    public async Task ScanAsync_EveryKindOfDifference_ReportsEachOnceWithItsDocument()
    {
        RegistryEntry[] registry = [new("a#1", "a", 1), new("a#2", "a", 1), new("b#1", "b", 2), new("c#1", "c", 1)];
        IndexEntry[] vector = [new("a#1", "a", 1), new("b#1", "b", 1), new("c#1", "c", 1), new("z#1", "z", 4)];
        IndexEntry[] keyword = [new("a#1", "a", 1), new("a#2", "a", 1), new("a#2", "a", 1), new("b#1", "x", 2), new("c#1", "c", 1)];
        var sink = new ListSink();

        var totals = await ConsistencyScanner.ScanAsync(ToAsync(registry), [ToAsync(vector), ToAsync(keyword)], new HashSet<string>(), sink, CancellationToken.None);

        Assert.Equal(
            [
                new Discrepancy(0, DiscrepancyKind.Missing, "a#2", "a", 1),
                new Discrepancy(1, DiscrepancyKind.Stale, "a#2", "a", 1),
                new Discrepancy(0, DiscrepancyKind.Stale, "b#1", "b", 2),
                new Discrepancy(1, DiscrepancyKind.Stale, "b#1", "b", 2),
                new Discrepancy(0, DiscrepancyKind.Orphaned, "z#1", "z", 0),
            ],
            sink.Items);
        Assert.Equal(4, totals.RegistryChunks);
        Assert.Equal([4L, 5L], totals.Entries);
        Assert.True(sink.Completed);
    }

    [Fact]
    public async Task ScanAsync_DocumentInFlight_CountsItsDifferencesWithoutReportingThem()
    {
        RegistryEntry[] registry = [new("a#1", "a", 1), new("b#1", "b", 1)];
        IndexEntry[] vector = [new("a#1", "a", 2), new("a#9", "a", 2)];
        var sink = new ListSink();

        var totals = await ConsistencyScanner.ScanAsync(ToAsync(registry), [ToAsync(vector)], new HashSet<string> { "a" }, sink, CancellationToken.None);

        Assert.Equal([new Discrepancy(0, DiscrepancyKind.Missing, "b#1", "b", 1)], sink.Items);
        Assert.Equal(2, totals.InFlight[0]);
    }

    [Fact]
    public async Task ScanAsync_IndexThatCouldNotBeRead_IsSkipped()
    {
        var sink = new ListSink();

        var totals = await ConsistencyScanner.ScanAsync(ToAsync([new RegistryEntry("a#1", "a", 1)]), [null], new HashSet<string>(), sink, CancellationToken.None);

        Assert.Empty(sink.Items);
        Assert.Equal(1, totals.RegistryChunks);
    }

    [Fact]
    public async Task ScanAsync_RegistryOutOfOrder_Throws()
    {
        RegistryEntry[] registry = [new("b#1", "b", 1), new("a#1", "a", 1)];

        await Assert.ThrowsAsync<RegistryOrderException>(() =>
            ConsistencyScanner.ScanAsync(ToAsync(registry), [ToAsync<IndexEntry>([])], new HashSet<string>(), new ListSink(), CancellationToken.None));
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private sealed class ListSink : IDiscrepancySink
    {
        public List<Discrepancy> Items { get; } = [];

        public bool Completed { get; private set; }

        public ValueTask AddAsync(Discrepancy discrepancy, CancellationToken cancellationToken)
        {
            Items.Add(discrepancy);
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            Completed = true;
            return ValueTask.CompletedTask;
        }
    }
}
