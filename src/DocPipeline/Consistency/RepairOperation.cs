using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DocPipeline.Consistency;

/// <summary>
/// Repair: makes every index match the registry from stored artifacts (missing and stale entries written again,
/// orphans deleted, an index that cannot be opened rebuilt); a dry run only lists what it would do.
/// </summary>
internal sealed class RepairOperation(
    IDocumentRegistry registry,
    IEmbeddingCache embeddings,
    ISettingsStore settings,
    IVectorIndex vector,
    IKeywordIndex keyword,
    RebuildOperation rebuild,
    CheckerRunner checker,
    MaintenanceGate gate,
    ILogger<RepairOperation>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>See <see cref="IIndexMaintenance.RepairAsync"/>.</summary>
    public Task<RepairResult> RepairAsync(RepairOptions options, CancellationToken cancellationToken)
    {
        return gate.RunAsync(() => RepairTargetsAsync(options, cancellationToken), cancellationToken);
    }

    private async Task<RepairResult> RepairTargetsAsync(RepairOptions options, CancellationToken cancellationToken)
    {
        ISearchIndex[] indexes = [vector, keyword];
        if (options.AutoFix && !options.AllowDeleteAll)
        {
            await IndexRepairer.ThrowIfWouldDeleteAllAsync(
                registry, indexes, () => checker.VerifyAsync(registry, indexes, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        return await RepairCoreAsync(indexes, options.AutoFix, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Repairs <paramref name="indexes"/> against the registry: a dry run reports; otherwise damaged
    /// indexes are rebuilt, the rest fixed entry by entry, and the result checked again.
    /// </summary>
    private async Task<RepairResult> RepairCoreAsync(IReadOnlyList<ISearchIndex> indexes, bool autoFix, CancellationToken cancellationToken)
    {
        var states = new List<(IndexState State, string? Error)>();
        foreach (var index in indexes)
        {
            states.Add(await IndexHealth.CheckAsync(index, cancellationToken).ConfigureAwait(false));
        }

        if (!autoFix)
        {
            var found = await checker.VerifyAsync(registry, indexes, cancellationToken).ConfigureAwait(false);
            return Plan(found, indexes, states);
        }

        var damaged = indexes.Where((_, i) => states[i].State == IndexState.Damaged).ToList();
        var rebuilt = new HashSet<string>(StringComparer.Ordinal);
        if (damaged.Count > 0)
        {
            foreach (var index in damaged)
            {
                ConsistencyLog.RebuildingDamaged(_logger, index.Name, states[Array.IndexOf(indexes.ToArray(), index)].Error!);
            }

            await rebuild.RebuildCoreAsync(damaged, damaged.Select(_ => true).ToList(), cancellationToken).ConfigureAwait(false);
            rebuilt.UnionWith(damaged.Select(d => d.Name));
        }

        var writer = new ArtifactWriter(embeddings, settings);
        IndexRepairer? repairer = null;
        var before = await checker.RunAsync(registry, indexes, async c =>
        {
            var scan = await c.ScanAsync(_ => repairer = new IndexRepairer(registry, indexes, writer), cancellationToken).ConfigureAwait(false);
            return scan.Report;
        }).ConfigureAwait(false);
        var after = await checker.VerifyAsync(registry, indexes, cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<string, IndexRepair>(StringComparer.Ordinal);
        for (var i = 0; i < indexes.Count; i++)
        {
            var done = repairer!.Result(i);
            var error = states[i].State is IndexState.InUse or IndexState.Unavailable ? states[i].Error : null;
            results[indexes[i].Name] = new IndexRepair
            {
                Name = done.Name,
                Rewritten = done.Rewritten,
                Deleted = done.Deleted,
                Skipped = done.Skipped,
                Unrepairable = done.Unrepairable,
                Rebuilt = rebuilt.Contains(done.Name),
                Error = error,
            };
            if (error is null)
            {
                ConsistencyLog.Repaired(_logger, done.Name, done.Rewritten, done.Deleted, done.Skipped, done.Unrepairable);
            }
        }

        return new RepairResult
        {
            DryRun = false,
            Before = MergeRebuiltErrors(before, states, indexes, rebuilt),
            Indexes = results,
            Actions = Describe(results.Values, dryRun: false),
            After = after,
        };
    }

    private static RepairResult Plan(ConsistencyReport found, IReadOnlyList<ISearchIndex> indexes, List<(IndexState State, string? Error)> states)
    {
        var plan = new Dictionary<string, IndexRepair>(StringComparer.Ordinal);
        for (var i = 0; i < indexes.Count; i++)
        {
            var index = found.Indexes[indexes[i].Name];
            plan[index.Name] = new IndexRepair
            {
                Name = index.Name,
                Rebuilt = states[i].State == IndexState.Damaged,
                Rewritten = index.Discrepancies.Missing + index.Discrepancies.Stale,
                Deleted = index.Discrepancies.Orphaned,
                Error = states[i].State is IndexState.InUse or IndexState.Unavailable ? states[i].Error : null,
            };
        }

        return new RepairResult { DryRun = true, Before = found, Indexes = plan, Actions = Describe(plan.Values, dryRun: true) };
    }

    /// <summary>An index rebuilt because it could not be opened shows that error in the report of what was found.</summary>
    private static ConsistencyReport MergeRebuiltErrors(
        ConsistencyReport report, List<(IndexState State, string? Error)> states, IReadOnlyList<ISearchIndex> indexes, HashSet<string> rebuilt)
    {
        if (rebuilt.Count == 0)
        {
            return report;
        }

        var merged = new Dictionary<string, IndexConsistency>(report.Indexes, StringComparer.Ordinal);
        for (var i = 0; i < indexes.Count; i++)
        {
            if (rebuilt.Contains(indexes[i].Name))
            {
                var index = merged[indexes[i].Name];
                merged[index.Name] = index with { Entries = 0, Discrepancies = new DiscrepancyCounts(index.Expected, 0, 0), InFlight = 0, Documents = [], Error = states[i].Error };
            }
        }

        return report with { Indexes = merged };
    }

    private static List<string> Describe(IEnumerable<IndexRepair> repairs, bool dryRun)
    {
        var lines = new List<string>();
        foreach (var repair in repairs)
        {
            if (repair.Error is not null)
            {
                lines.Add($"{repair.Name}: left alone, it cannot be used: {repair.Error}");
                continue;
            }

            if (repair.Rebuilt)
            {
                lines.Add(dryRun
                    ? $"{repair.Name}: rebuild from the registry (it cannot be opened; its files would be moved aside)"
                    : $"{repair.Name}: rebuilt from the registry (it could not be opened; its files were moved aside)");
            }

            if (repair.Rewritten > 0)
            {
                lines.Add(dryRun
                    ? $"{repair.Name}: write {repair.Rewritten} missing or stale entries again from stored chunks and embeddings"
                    : $"{repair.Name}: wrote {repair.Rewritten} missing or stale entries again from stored chunks and embeddings");
            }

            if (repair.Deleted > 0)
            {
                lines.Add(dryRun ? $"{repair.Name}: delete {repair.Deleted} orphaned entries" : $"{repair.Name}: deleted {repair.Deleted} orphaned entries");
            }

            if (repair.Skipped > 0)
            {
                lines.Add($"{repair.Name}: left {repair.Skipped} entries to the jobs that changed their documents meanwhile");
            }

            if (repair.Unrepairable > 0)
            {
                lines.Add($"{repair.Name}: {repair.Unrepairable} chunks have no stored embedding and were not written (re-ingest their documents with --force-reprocess)");
            }
        }

        if (lines.Count == 0)
        {
            lines.Add("nothing to do: every index matches the registry");
        }

        return lines;
    }
}
