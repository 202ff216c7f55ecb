using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>
/// Fixes discrepancies as a scan finds them, in batches: missing and stale entries are written again from the stored
/// chunks and embeddings, orphans are deleted. Each batch looks at the registry again first, so a document that a job
/// changed since the scan saw it is left to that job (counted as skipped) rather than overwritten with old data.
/// </summary>
internal sealed class IndexRepairer(IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, ArtifactWriter writer) : IDiscrepancySink
{
    private const int RewriteBatchSize = 1000;
    private const int DeleteBatchSize = 2000;
    private const int DeleteAllSampleSize = 500;

    private readonly List<Rewrite> _rewrites = new(RewriteBatchSize);
    private readonly List<string>[] _orphans = indexes.Select(_ => new List<string>()).ToArray();
    private readonly Counters[] _counters = indexes.Select(_ => new Counters()).ToArray();
    private readonly HashSet<string> _repaired = new(StringComparer.Ordinal);

    /// <summary>Gets the documents whose entries were written again (their registry record was updated too).</summary>
    public IReadOnlySet<string> Repaired => _repaired;

    /// <summary>
    /// Refuses a repair that would delete every entry of an index: the registry holds no committed chunk (lost or
    /// emptied), or not one entry of the index belongs to the registry (an index of another data folder). A sample of
    /// each index's first entries settles the usual case without a scan; only an index none of whose sampled entries
    /// the registry knows is checked in full with <paramref name="verify"/>. Indexes that cannot be opened are left to the repair.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">The repair would empty an index; the message names the flag and the way back.</exception>
    public static async Task ThrowIfWouldDeleteAllAsync(
        IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, Func<Task<ConsistencyReport>> verify, CancellationToken cancellationToken)
    {
        var registryEmpty = (await registry.GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Chunks == 0;
        ConsistencyReport? report = null;
        foreach (var index in indexes)
        {
            long entries;
            List<string> sample;
            try
            {
                entries = (await index.GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Entries;
                sample = entries == 0 || registryEmpty ? [] : await SampleAsync(index, cancellationToken).ConfigureAwait(false);
            }
            catch (DocPipelineStorageException)
            {
                continue;
            }

            if (entries == 0 || (!registryEmpty && (await registry.ResolveChunksAsync(sample, cancellationToken).ConfigureAwait(false)).Count > 0))
            {
                continue;
            }

            if (!registryEmpty && sample.Count < entries)
            {
                report ??= await verify().ConfigureAwait(false);
                if (report.Indexes.TryGetValue(index.Name, out var found) && found.Discrepancies.Orphaned < found.Entries)
                {
                    continue;
                }
            }

            var why = registryEmpty
                ? "the registry holds no documents"
                : "none of them belongs to a document of the registry (an index of another data folder, or a registry that lost its documents)";
            throw new DocPipelineStorageException(
                $"Repair refused: it would delete all {entries} entries of the {index.Name} index: {why}. " +
                "If the registry was lost or emptied, get it back instead: restore a backup ('docpipe manage --restore <backup>') or rebuild " +
                "the registry from the indexes ('docpipe manage --rebuild-registry'). To delete every entry anyway, repeat with " +
                "--allow-delete-all (RepairOptions.AllowDeleteAll).");
        }
    }

    /// <summary>The chunk ids of the first entries an index lists.</summary>
    private static async Task<List<string>> SampleAsync(ISearchIndex index, CancellationToken cancellationToken)
    {
        var sample = new List<string>(DeleteAllSampleSize);
        await foreach (var entry in index.ListEntriesAsync(cancellationToken).ConfigureAwait(false))
        {
            sample.Add(entry.ChunkId);
            if (sample.Count == DeleteAllSampleSize)
            {
                break;
            }
        }

        return sample;
    }

    public async ValueTask AddAsync(Discrepancy discrepancy, CancellationToken cancellationToken)
    {
        if (discrepancy.Kind == DiscrepancyKind.Orphaned)
        {
            var orphans = _orphans[discrepancy.Index];
            if (orphans.Count == 0 || !string.Equals(orphans[^1], discrepancy.ChunkId, StringComparison.Ordinal))
            {
                orphans.Add(discrepancy.ChunkId);
            }

            if (orphans.Count >= DeleteBatchSize)
            {
                await DeleteOrphansAsync(discrepancy.Index, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // The scan settles one chunk id across all indexes before the next, so a chunk wrong in both arrives twice in a row.
        var bit = 1 << discrepancy.Index;
        if (_rewrites.Count > 0 && string.Equals(_rewrites[^1].ChunkId, discrepancy.ChunkId, StringComparison.Ordinal))
        {
            _rewrites[^1] = _rewrites[^1] with { Indexes = _rewrites[^1].Indexes | bit };
        }
        else
        {
            if (_rewrites.Count >= RewriteBatchSize)
            {
                await RewriteAsync(cancellationToken).ConfigureAwait(false);
            }

            _rewrites.Add(new Rewrite(discrepancy.ChunkId, discrepancy.DocumentId, bit));
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await RewriteAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < indexes.Count; i++)
        {
            await DeleteOrphansAsync(i, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets what was done to one index.</summary>
    public IndexRepair Result(int index) => new()
    {
        Name = indexes[index].Name,
        Rewritten = _counters[index].Rewritten,
        Deleted = _counters[index].Deleted,
        Skipped = _counters[index].Skipped,
        Unrepairable = _counters[index].Unrepairable,
    };

    private async Task RewriteAsync(CancellationToken cancellationToken)
    {
        if (_rewrites.Count == 0)
        {
            return;
        }

        var documentIds = _rewrites.Select(r => r.DocumentId).Distinct(StringComparer.Ordinal).ToList();
        var documents = await registry.GetManyAsync(documentIds, cancellationToken).ConfigureAwait(false);
        var chunks = new Dictionary<string, ChunkRecord>(StringComparer.Ordinal);
        foreach (var id in documentIds)
        {
            if (documents.TryGetValue(id, out var document) && document.Version > 0 && !ConsistencyTally.IsInFlight(document))
            {
                foreach (var chunk in await registry.GetChunksAsync(id, document.Version, cancellationToken).ConfigureAwait(false))
                {
                    chunks[chunk.ChunkId] = chunk;
                }
            }
        }

        var perIndex = indexes.Select(_ => new List<ChunkRecord>()).ToArray();
        foreach (var rewrite in _rewrites)
        {
            for (var i = 0; i < indexes.Count; i++)
            {
                if ((rewrite.Indexes & (1 << i)) == 0)
                {
                    continue;
                }

                if (chunks.TryGetValue(rewrite.ChunkId, out var chunk) && string.Equals(chunk.DocumentId, rewrite.DocumentId, StringComparison.Ordinal))
                {
                    perIndex[i].Add(chunk);
                }
                else
                {
                    _counters[i].Skipped++;
                }
            }
        }

        _rewrites.Clear();
        var written = await Task.WhenAll(Enumerable.Range(0, indexes.Count).Select(i => writer.WriteAsync(indexes[i], perIndex[i], cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < indexes.Count; i++)
        {
            _counters[i].Rewritten += written[i].Written;
            _counters[i].Unrepairable += written[i].MissingEmbeddings;
            foreach (var document in perIndex[i].Select(c => c.DocumentId).Distinct(StringComparer.Ordinal))
            {
                _repaired.Add(document);
                var record = documents[document];
                if (record.IndexVersions.GetValueOrDefault(indexes[i].Name) != record.Version)
                {
                    await registry.SetIndexVersionsAsync(document, [indexes[i].Name], record.Version, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task DeleteOrphansAsync(int index, CancellationToken cancellationToken)
    {
        var orphans = _orphans[index];
        if (orphans.Count == 0)
        {
            return;
        }

        // A chunk the registry knows now (a version staged since the scan) is no orphan any more.
        var known = await registry.ResolveChunksAsync(orphans, cancellationToken).ConfigureAwait(false);
        var doomed = orphans.Where(id => !known.ContainsKey(id)).ToList();
        _counters[index].Skipped += orphans.Count - doomed.Count;
        orphans.Clear();
        if (doomed.Count > 0)
        {
            await indexes[index].DeleteChunksAsync(doomed, cancellationToken).ConfigureAwait(false);
            _counters[index].Deleted += doomed.Count;
        }
    }

    private readonly record struct Rewrite(string ChunkId, string DocumentId, int Indexes);

    private sealed class Counters
    {
        public long Rewritten { get; set; }

        public long Deleted { get; set; }

        public long Skipped { get; set; }

        public long Unrepairable { get; set; }
    }
}
