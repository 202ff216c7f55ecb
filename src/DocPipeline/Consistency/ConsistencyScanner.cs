using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>
/// Compares the registry's committed (chunk, document, revision) set with each index's entries in one pass: a merge
/// of streams that are all sorted by chunk id, so memory stays flat however many chunks there are.
/// </summary>
/// <remarks>
/// An entry of a document in <c>inFlight</c> (a staged version being written, or a removal) is counted but never
/// reported: the job working on it is expected to leave it right.
/// </remarks>
internal static class ConsistencyScanner
{
    /// <summary>Runs the merge.</summary>
    /// <param name="registry">The registry's entries, sorted by <see cref="ChunkIdComparer"/>.</param>
    /// <param name="indexes">Each index's entries, sorted the same way; <see langword="null"/> for an index that could not be read (skipped).</param>
    /// <param name="inFlight">Documents whose discrepancies are expected right now.</param>
    /// <param name="sink">Receives the discrepancies.</param>
    /// <param name="cancellationToken">A token to cancel the scan.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="RegistryOrderException">The registry stream is not sorted.</exception>
    public static async Task<ScanTotals> ScanAsync(
        IAsyncEnumerable<RegistryEntry> registry,
        IReadOnlyList<IAsyncEnumerable<IndexEntry>?> indexes,
        IReadOnlySet<string> inFlight,
        IDiscrepancySink sink,
        CancellationToken cancellationToken)
    {
        var totals = new ScanTotals(indexes.Count);
        var comparer = ChunkIdComparer.Instance;
        var cursors = new IAsyncEnumerator<IndexEntry>?[indexes.Count];
        var heads = new bool[indexes.Count];
        var registryCursor = registry.GetAsyncEnumerator(cancellationToken);
        try
        {
            for (var i = 0; i < indexes.Count; i++)
            {
                if (indexes[i] is { } source)
                {
                    cursors[i] = source.GetAsyncEnumerator(cancellationToken);
                    heads[i] = await cursors[i]!.MoveNextAsync().ConfigureAwait(false);
                }
            }

            var hasRegistry = await registryCursor.MoveNextAsync().ConfigureAwait(false);
            while (true)
            {
                // The smallest chunk id at the head of any stream is the one to settle now.
                string? key = hasRegistry ? registryCursor.Current.ChunkId : null;
                for (var i = 0; i < cursors.Length; i++)
                {
                    if (heads[i] && (key is null || comparer.Compare(cursors[i]!.Current.ChunkId, key) < 0))
                    {
                        key = cursors[i]!.Current.ChunkId;
                    }
                }

                if (key is null)
                {
                    break;
                }

                var expected = hasRegistry && string.Equals(registryCursor.Current.ChunkId, key, StringComparison.Ordinal)
                    ? registryCursor.Current
                    : (RegistryEntry?)null;
                if (expected is not null)
                {
                    totals.RegistryChunks++;
                }

                for (var i = 0; i < cursors.Length; i++)
                {
                    if (cursors[i] is not { } cursor)
                    {
                        continue;
                    }

                    var first = true;
                    while (heads[i] && string.Equals(cursor.Current.ChunkId, key, StringComparison.Ordinal))
                    {
                        var entry = cursor.Current;
                        totals.Entries[i]++;
                        if (expected is not { } want)
                        {
                            await ReportAsync(new Discrepancy(i, DiscrepancyKind.Orphaned, key, entry.DocumentId, 0), inFlight, totals, sink, cancellationToken).ConfigureAwait(false);
                        }
                        else if (!first || entry.Version != want.Revision || !string.Equals(entry.DocumentId, want.DocumentId, StringComparison.Ordinal))
                        {
                            await ReportAsync(new Discrepancy(i, DiscrepancyKind.Stale, key, want.DocumentId, want.Revision), inFlight, totals, sink, cancellationToken).ConfigureAwait(false);
                        }

                        first = false;
                        heads[i] = await cursor.MoveNextAsync().ConfigureAwait(false);
                        if (heads[i] && comparer.Compare(cursor.Current.ChunkId, key) < 0)
                        {
                            throw new InvalidOperationException($"The entries of index {i} are not sorted: '{cursor.Current.ChunkId}' follows '{key}'.");
                        }
                    }

                    if (first && expected is { } absent)
                    {
                        await ReportAsync(new Discrepancy(i, DiscrepancyKind.Missing, key, absent.DocumentId, absent.Revision), inFlight, totals, sink, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (expected is not null)
                {
                    hasRegistry = await AdvanceRegistryAsync(registryCursor, key, comparer).ConfigureAwait(false);
                }
            }

            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return totals;
        }
        finally
        {
            await registryCursor.DisposeAsync().ConfigureAwait(false);
            foreach (var cursor in cursors)
            {
                if (cursor is not null)
                {
                    await cursor.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static ValueTask ReportAsync(Discrepancy discrepancy, IReadOnlySet<string> inFlight, ScanTotals totals, IDiscrepancySink sink, CancellationToken cancellationToken)
    {
        if (inFlight.Contains(discrepancy.DocumentId))
        {
            totals.InFlight[discrepancy.Index]++;
            return ValueTask.CompletedTask;
        }

        return sink.AddAsync(discrepancy, cancellationToken);
    }

    /// <summary>Moves past <paramref name="key"/> (and a repeat of it), checking that the registry stays sorted.</summary>
    private static async ValueTask<bool> AdvanceRegistryAsync(IAsyncEnumerator<RegistryEntry> cursor, string key, ChunkIdComparer comparer)
    {
        while (await cursor.MoveNextAsync().ConfigureAwait(false))
        {
            var order = comparer.Compare(cursor.Current.ChunkId, key);
            if (order > 0)
            {
                return true;
            }

            if (order < 0)
            {
                throw new RegistryOrderException($"The registry listed chunk '{cursor.Current.ChunkId}' after '{key}'.");
            }
        }

        return false;
    }
}
