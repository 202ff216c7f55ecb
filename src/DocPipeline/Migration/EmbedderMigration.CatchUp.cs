using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.AI;

namespace DocPipeline.Migration;

/// <summary>
/// The catch-up before a switch, in bounded memory: the generation's entries are sorted by chunk id in runs on disk
/// (<see cref="SortedIndexEntries"/>, at most <see cref="CatchUpRunLength"/> entries in memory), merged with the
/// registry's sorted listing (<see cref="ConsistencyScanner"/>), and each difference is acted on in batches of at most
/// <see cref="CatchUpBatchSize"/> chunk ids. Memory is bounded by those two constants and by the chunks of one
/// document (read to embed a batch), never by the number of chunks in the data folder.
/// </summary>
internal sealed partial class EmbedderMigration
{
    /// <summary>How many times the catch-up runs before the switch when documents keep changing under it.</summary>
    private const int MaxCatchUpRounds = 5;

    /// <summary>Gets or sets the most index entries the catch-up's sort holds in memory; the rest are spilled to run files.</summary>
    internal int CatchUpRunLength { get; set; } = SortedIndexEntries.DefaultRunLength;

    /// <summary>Gets or sets the most chunk ids the catch-up collects before it writes or deletes them.</summary>
    internal int CatchUpBatchSize { get; set; } = 1000;

    /// <summary>Gets what each pass of the last catch-up did (for tests), at most <see cref="MaxCatchUpRounds"/> + 1.</summary>
    internal IReadOnlyList<CatchUpPass> CatchUpPasses { get; private set; } = [];

    /// <summary>
    /// Makes <paramref name="index"/> hold exactly the registry's committed chunks: writes the missing and stale ones
    /// (embedding what the cache lacks), deletes the rest; repeats until a pass finds nothing to do. A generation holding
    /// another model's vectors is cleared first.
    /// </summary>
    /// <returns>Whether the generation held another model's vectors and was cleared (every chunk was embedded again).</returns>
    private async Task<bool> CatchUpAndVerifyAsync(IVectorIndex index, string model, IEmbeddingGenerator<string, Embedding<float>> generator, string generation, CancellationToken cancellationToken)
    {
        var cleared = await ClearIfOtherModelAsync(index, model, generator, generation, cancellationToken).ConfigureAwait(false);
        var passes = new List<CatchUpPass>();
        CatchUpPasses = passes;
        for (var round = 1; ; round++)
        {
            var pass = await CatchUpOnceAsync(index, model, generator, act: round <= MaxCatchUpRounds, cancellationToken).ConfigureAwait(false);
            passes.Add(pass);
            if (pass.Differences == 0 && pass.Entries == pass.RegistryChunks)
            {
                return cleared;
            }

            if (round > MaxCatchUpRounds)
            {
                throw new InvalidOperationException(
                    $"The vector generation '{generation}' still differs from the registry after {MaxCatchUpRounds} catch-up rounds " +
                    $"({pass.Differences} chunks differ; {pass.Entries} entries for {pass.RegistryChunks} chunks); nothing was switched. Run the migration again.");
            }

            MigrationLog.CaughtUp(_logger, pass.Written, pass.Deleted, generation);
        }
    }

    /// <summary>One merge of the generation with the registry; with <paramref name="act"/>, fixes what differs as it goes.</summary>
    private async Task<CatchUpPass> CatchUpOnceAsync(
        IVectorIndex index, string model, IEmbeddingGenerator<string, Embedding<float>> generator, bool act, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(DataFolderLayout.From(options.Value).TemporaryDirectory, "migrate-" + Guid.NewGuid().ToString("N"));
        SortedIndexEntries? sortedRegistry = null;
        try
        {
            // The generation is read to the end (into sorted runs) before anything is written to it.
            var sorted = await SortedIndexEntries.SortAsync(index.ListEntriesAsync(cancellationToken), temporary, CatchUpRunLength, cancellationToken).ConfigureAwait(false);
            await using var sortedScope = sorted.ConfigureAwait(false);
            while (true)
            {
                var sink = new CatchUpSink(this, registry, index, model, generator, act);
                var entries = sortedRegistry is null
                    ? registry.StreamEntriesAsync(cancellationToken)
                    : ConsistencyChecker.AsRegistryEntries(sortedRegistry.ReadAsync(cancellationToken));
                try
                {
                    // Nothing is in flight for the catch-up: every committed chunk must be in the generation.
                    var totals = await ConsistencyScanner.ScanAsync(entries.ReadAheadAsync(cancellationToken), [sorted.ReadAsync(cancellationToken)], new HashSet<string>(), sink, cancellationToken).ConfigureAwait(false);
                    return new CatchUpPass(totals.RegistryChunks, totals.Entries[0], sink.Differences, sink.Written, sink.Deleted, sorted.SpilledRuns, sink.LargestBatch);
                }
                catch (RegistryOrderException) when (sortedRegistry is null)
                {
                    // A registry whose collation does not list chunk ids in ordinal order: sort its listing too.
                    sortedRegistry = await SortedIndexEntries.SortAsync(
                        ConsistencyChecker.AsIndexEntries(registry.StreamEntriesAsync(cancellationToken)), Path.Combine(temporary, "registry"), CatchUpRunLength, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (sortedRegistry is not null)
            {
                await sortedRegistry.DisposeAsync().ConfigureAwait(false);
            }

            CheckerRunner.DeleteQuietly(temporary);
        }
    }

    /// <summary>What one catch-up pass found and did.</summary>
    /// <param name="RegistryChunks">The committed chunks the registry listed.</param>
    /// <param name="Entries">The entries the generation listed.</param>
    /// <param name="Differences">The chunk ids that differed (missing, stale or orphaned).</param>
    /// <param name="Written">The chunks written.</param>
    /// <param name="Deleted">The entries deleted.</param>
    /// <param name="SpilledRuns">The sorted runs written to disk (0: the generation fit in one run in memory).</param>
    /// <param name="LargestBatch">The most chunk ids held for one write or delete.</param>
    internal sealed record CatchUpPass(long RegistryChunks, long Entries, long Differences, long Written, long Deleted, int SpilledRuns, int LargestBatch);

    /// <summary>Acts on the differences of a catch-up pass in batches of <see cref="CatchUpBatchSize"/> chunk ids.</summary>
    private sealed class CatchUpSink(
        EmbedderMigration migration, IDocumentRegistry registry, IVectorIndex index, string model, IEmbeddingGenerator<string, Embedding<float>> generator, bool act) : IDiscrepancySink
    {
        private readonly List<(string ChunkId, string DocumentId)> _writes = [];
        private readonly List<string> _deletes = [];

        public long Differences { get; private set; }

        public long Written { get; private set; }

        public long Deleted { get; private set; }

        public int LargestBatch { get; private set; }

        public async ValueTask AddAsync(Discrepancy discrepancy, CancellationToken cancellationToken)
        {
            Differences++;
            if (!act)
            {
                return;
            }

            if (discrepancy.Kind == DiscrepancyKind.Orphaned)
            {
                _deletes.Add(discrepancy.ChunkId);
                LargestBatch = Math.Max(LargestBatch, _deletes.Count);
                if (_deletes.Count >= migration.CatchUpBatchSize)
                {
                    await DeleteAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            _writes.Add((discrepancy.ChunkId, discrepancy.DocumentId));
            LargestBatch = Math.Max(LargestBatch, _writes.Count);
            if (_writes.Count >= migration.CatchUpBatchSize)
            {
                await WriteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            await DeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task DeleteAsync(CancellationToken cancellationToken)
        {
            if (_deletes.Count == 0)
            {
                return;
            }

            await index.DeleteChunksAsync(_deletes.Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
            Deleted += _deletes.Count;
            _deletes.Clear();
        }

        /// <summary>Writes the batch's chunks from their document's committed version (a document changed meanwhile is left to the next pass).</summary>
        private async Task WriteAsync(CancellationToken cancellationToken)
        {
            if (_writes.Count == 0)
            {
                return;
            }

            foreach (var group in _writes.GroupBy(w => w.DocumentId, StringComparer.Ordinal))
            {
                var document = await registry.GetAsync(group.Key, cancellationToken).ConfigureAwait(false);
                if (document is null || document.Version == 0)
                {
                    continue;
                }

                var wanted = group.Select(w => w.ChunkId).ToHashSet(StringComparer.Ordinal);
                var chunks = (await registry.GetChunksAsync(group.Key, document.Version, cancellationToken).ConfigureAwait(false))
                    .Where(c => wanted.Contains(c.ChunkId)).ToList();
                await migration.WriteAsync(index, model, generator, chunks, cancellationToken).ConfigureAwait(false);
                Written += chunks.Count;
            }

            _writes.Clear();
        }
    }
}
