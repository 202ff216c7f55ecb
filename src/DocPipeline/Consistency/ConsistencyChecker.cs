using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>
/// Scans one registry against a set of indexes: reads each index sorted by chunk id (the Lucene index from its term
/// dictionary, any other by sorting its listing in bounded runs), merges them with the registry's sorted listing, and
/// hands the discrepancies to a sink. The stores may be the container's or private copies (a backup being made).
/// </summary>
internal sealed class ConsistencyChecker(
    IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, string temporaryDirectory, TimeProvider time, int runLength = SortedIndexEntries.DefaultRunLength)
{
    private const int PageSize = 1000;

    /// <summary>Gets the indexes, in scan order.</summary>
    public IReadOnlyList<ISearchIndex> Indexes => indexes;

    /// <summary>Gets the names of the indexes, in scan order.</summary>
    public IReadOnlyList<string> IndexNames { get; } = indexes.Select(i => i.Name).ToList();

    /// <summary>Compares every index with the registry and reports the differences.</summary>
    public async Task<ConsistencyReport> VerifyAsync(CancellationToken cancellationToken)
    {
        var scan = await ScanAsync(static _ => null, cancellationToken).ConfigureAwait(false);
        return scan.Report;
    }

    /// <summary>
    /// Runs one scan. <paramref name="createActor"/> may return a sink that acts on the discrepancies as they come
    /// (repair); every discrepancy also goes to the tally behind the report. When the registry turns out not to list
    /// its entries in order, the scan sorts them and starts again with a new actor.
    /// </summary>
    public async Task<CheckerScan> ScanAsync(Func<ConsistencyTally, IDiscrepancySink?> createActor, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var pending = await PendingDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var sources = new IndexSource[indexes.Count];
        SortedIndexEntries? sortedRegistry = null;
        try
        {
            for (var i = 0; i < indexes.Count; i++)
            {
                sources[i] = await IndexSource.OpenAsync(indexes[i], temporaryDirectory, runLength, cancellationToken).ConfigureAwait(false);
            }

            var errors = sources.Select(s => s.Error).ToList();
            while (true)
            {
                var tally = new ConsistencyTally(IndexNames);
                var actor = createActor(tally);
                IDiscrepancySink sink = actor is null ? tally : new TeeSink(tally, actor);
                var entries = (sortedRegistry is null
                    ? registry.StreamEntriesAsync(cancellationToken)
                    : AsRegistryEntries(sortedRegistry.ReadAsync(cancellationToken))).ReadAheadAsync(cancellationToken);
                ScanTotals totals;
                try
                {
                    totals = await ConsistencyScanner.ScanAsync(entries, sources.Select(s => s.Read(cancellationToken)).ToList(), pending, sink, cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryOrderException) when (sortedRegistry is null)
                {
                    var unsorted = registry.StreamEntriesAsync(cancellationToken);
                    sortedRegistry = await SortedIndexEntries.SortAsync(AsIndexEntries(unsorted), temporaryDirectory, runLength, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var changedByScan = (actor as IndexRepairer)?.Repaired ?? new HashSet<string>();
                var forgiven = await tally.ForgiveChangedAsync(registry, startedAt, changedByScan, cancellationToken).ConfigureAwait(false);
                var inFlight = new HashSet<string>(pending, StringComparer.Ordinal);
                inFlight.UnionWith(forgiven);
                var report = tally.ToReport(totals, errors, inFlight, startedAt, time.GetElapsedTime(started));
                return new CheckerScan(report, tally, inFlight);
            }
        }
        finally
        {
            foreach (var source in sources)
            {
                if (source is not null)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (sortedRegistry is not null)
            {
                await sortedRegistry.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Lists the documents whose index entries a job is changing: a staged version, or a removal.</summary>
    private async Task<HashSet<string>> PendingDocumentsAsync(CancellationToken cancellationToken)
    {
        var pending = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in (DocumentStatus[])[DocumentStatus.Pending, DocumentStatus.Removing, DocumentStatus.Failed])
        {
            string? after = null;
            while (true)
            {
                var page = await registry.ListAsync(new DocumentQuery { Status = status, After = after, Limit = PageSize }, cancellationToken).ConfigureAwait(false);
                foreach (var document in page)
                {
                    if (ConsistencyTally.IsInFlight(document))
                    {
                        pending.Add(document.Id);
                    }
                }

                if (page.Count < PageSize)
                {
                    break;
                }

                after = page[^1].Id;
            }
        }

        return pending;
    }

    internal static async IAsyncEnumerable<IndexEntry> AsIndexEntries(IAsyncEnumerable<RegistryEntry> entries)
    {
        await foreach (var entry in entries.ConfigureAwait(false))
        {
            yield return new IndexEntry(entry.ChunkId, entry.DocumentId, entry.Revision);
        }
    }

    internal static async IAsyncEnumerable<RegistryEntry> AsRegistryEntries(IAsyncEnumerable<IndexEntry> entries)
    {
        await foreach (var entry in entries.ConfigureAwait(false))
        {
            yield return new RegistryEntry(entry.ChunkId, entry.DocumentId, entry.Version);
        }
    }

    /// <summary>One index, readable in chunk id order, or the reason it cannot be read.</summary>
    private sealed class IndexSource : IAsyncDisposable
    {
        private readonly IAsyncEnumerable<IndexEntry>? _ordered;
        private readonly SortedIndexEntries? _sorted;

        private IndexSource(IAsyncEnumerable<IndexEntry>? ordered, SortedIndexEntries? sorted, string? error)
        {
            _ordered = ordered;
            _sorted = sorted;
            Error = error;
        }

        public string? Error { get; }

        public static async Task<IndexSource> OpenAsync(ISearchIndex index, string temporaryDirectory, int runLength, CancellationToken cancellationToken)
        {
            try
            {
                if (FolderIndex.Of(index) is { } folder &&
                    await folder.OpenAsync(cancellationToken).ConfigureAwait(false) is { State: not StoreHealthState.Healthy } failed)
                {
                    return new IndexSource(null, null, failed.Reason);
                }

                if (index.ListEntriesInOrder(cancellationToken) is { } ordered)
                {
                    return new IndexSource(ordered, null, null);
                }

                var sorted = await SortedIndexEntries.SortAsync(index.ListEntriesAsync(cancellationToken), temporaryDirectory, runLength, cancellationToken).ConfigureAwait(false);
                return new IndexSource(null, sorted, null);
            }
            catch (DocPipelineStorageException ex)
            {
                return new IndexSource(null, null, ex.Message);
            }
        }

        public IAsyncEnumerable<IndexEntry>? Read(CancellationToken cancellationToken) =>
            Error is not null ? null : _ordered is not null ? _ordered.ReadAheadAsync(cancellationToken) : _sorted!.ReadAsync(cancellationToken);

        public ValueTask DisposeAsync() => _sorted?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>Passes every discrepancy to the tally and to the actor.</summary>
    private sealed class TeeSink(IDiscrepancySink first, IDiscrepancySink second) : IDiscrepancySink
    {
        public async ValueTask AddAsync(Discrepancy discrepancy, CancellationToken cancellationToken)
        {
            await first.AddAsync(discrepancy, cancellationToken).ConfigureAwait(false);
            await second.AddAsync(discrepancy, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            await first.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await second.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
