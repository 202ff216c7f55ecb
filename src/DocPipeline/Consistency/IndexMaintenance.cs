using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>
/// The container's <see cref="IIndexMaintenance"/>. It resolves the registry and the indexes only when an operation
/// needs them, so that a container built to restore a data folder never opens the stores it is about to replace.
/// </summary>
internal sealed partial class IndexMaintenance : IIndexMaintenance
{
    private readonly IServiceProvider _services;
    private readonly DocPipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public IndexMaintenance(IServiceProvider services, IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<IndexMaintenance>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _options = options.Value;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Layout = DataFolderLayout.From(_options);
    }

    /// <summary>Gets where each store of the data folder lives.</summary>
    internal DataFolderLayout Layout { get; }

    private IDocumentRegistry Registry => _services.GetRequiredService<IDocumentRegistry>();

    private ISearchIndex[] Indexes => [_services.GetRequiredService<IVectorIndex>(), _services.GetRequiredService<IKeywordIndex>()];

    public Task<ConsistencyReport> VerifyAsync(CancellationToken cancellationToken = default) => VerifyAsync(new VerifyOptions(), cancellationToken);

    public async Task<RepairResult> RepairAsync(RepairOptions options, CancellationToken cancellationToken = default)
    {
        OperationOptionsValidator.ThrowIfInvalid(options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registry = Registry;
            var indexes = Indexes;
            if (options.AutoFix && !options.AllowDeleteAll)
            {
                await IndexRepairer.ThrowIfWouldDeleteAllAsync(
                    registry, indexes, () => WithCheckerAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken)), cancellationToken).ConfigureAwait(false);
            }

            return await RepairCoreAsync(registry, indexes, options.AutoFix, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<RebuildResult> RebuildAsync(RebuildTarget target, CancellationToken cancellationToken = default)
    {
        if (target == 0 || (target & ~RebuildTarget.Both) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "Rebuild the vector index, the keyword index, or both.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            var indexes = Indexes;
            var targets = indexes.Where((_, i) => (target & (i == 0 ? RebuildTarget.Vector : RebuildTarget.Keyword)) != 0).ToList();
            var states = new List<(IndexState State, string? Error)>();
            foreach (var index in targets)
            {
                var state = await IndexHealth.CheckAsync(index, cancellationToken).ConfigureAwait(false);
                if (state.State is IndexState.InUse or IndexState.Unavailable)
                {
                    throw new DocPipelineStorageException($"The {index.Name} index cannot be rebuilt: {state.Error}");
                }

                states.Add(state);
            }

            var backup = await BackupBeforeDestructiveCoreAsync("rebuilding the " + string.Join(" and ", targets.Select(t => t.Name)) + " index", cancellationToken).ConfigureAwait(false);
            var registry = Registry;
            var rebuilt = await RebuildCoreAsync(registry, targets, states.Select(s => s.State == IndexState.Damaged).ToList(), cancellationToken).ConfigureAwait(false);
            var after = await WithCheckerAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken)).ConfigureAwait(false);
            return new RebuildResult
            {
                Indexes = rebuilt.ToDictionary(r => r.Name, StringComparer.Ordinal),
                BackupPath = backup?.Path,
                After = after,
                Duration = _time.GetElapsedTime(started),
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes a backup into <c>DocPipeline:IndexManagement:BackupPath</c> when <c>AutoBackup</c> is on, before an
    /// operation that deletes or replaces data (a rebuild, a restore, a full cleanup). Indexes that cannot be opened
    /// are left out rather than failing the backup.
    /// </summary>
    /// <param name="reason">What is about to happen, for the log (for example "a full cleanup").</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The backup, or <see langword="null"/> when <c>AutoBackup</c> is off.</returns>
    internal async Task<BackupResult?> BackupBeforeDestructiveAsync(string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BackupBeforeDestructiveCoreAsync(reason, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Rebuilds an index that cannot be opened (its files are moved aside) from the container's registry.</summary>
    /// <param name="index">The index; possibly an instance opened only for the startup check.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    internal async Task RebuildDamagedAsync(ISearchIndex index, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RebuildCoreAsync(Registry, [index], [true], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Repairs <paramref name="indexes"/> against <paramref name="registry"/>: a dry run reports; otherwise damaged
    /// indexes are rebuilt, the rest fixed entry by entry, and the result checked again.
    /// </summary>
    internal async Task<RepairResult> RepairCoreAsync(IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, bool autoFix, CancellationToken cancellationToken)
    {
        var states = new List<(IndexState State, string? Error)>();
        foreach (var index in indexes)
        {
            states.Add(await IndexHealth.CheckAsync(index, cancellationToken).ConfigureAwait(false));
        }

        if (!autoFix)
        {
            var found = await WithCheckerAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken)).ConfigureAwait(false);
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

            await RebuildCoreAsync(registry, damaged, damaged.Select(_ => true).ToList(), cancellationToken).ConfigureAwait(false);
            rebuilt.UnionWith(damaged.Select(d => d.Name));
        }

        var writer = new ArtifactWriter(_services.GetRequiredService<IEmbeddingCache>(), _services.GetRequiredService<ISettingsStore>());
        IndexRepairer? repairer = null;
        var before = await WithCheckerAsync(registry, indexes, async checker =>
        {
            var scan = await checker.ScanAsync(_ => repairer = new IndexRepairer(registry, indexes, writer), cancellationToken).ConfigureAwait(false);
            return scan.Report;
        }).ConfigureAwait(false);
        var after = await WithCheckerAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken)).ConfigureAwait(false);
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

    /// <summary>
    /// Replays the registry into new indexes beside the targets and swaps them in once complete (an index with no
    /// folder of its own is emptied and replayed in place; damaged files are moved aside), then fixes what changed
    /// meanwhile. Until the swap the targets serve as they were; a failure or a crash before it leaves them so.
    /// </summary>
    internal async Task<IReadOnlyList<IndexRebuild>> RebuildCoreAsync(
        IDocumentRegistry registry, IReadOnlyList<ISearchIndex> targets, IReadOnlyList<bool> damaged, CancellationToken cancellationToken)
    {
        var movedAside = new string?[targets.Count];
        var writer = new ArtifactWriter(_services.GetRequiredService<IEmbeddingCache>(), _services.GetRequiredService<ISettingsStore>());
        (long Documents, long Chunks, long Unrepairable)[] replayed;
        var staged = StagedRebuild.Create(targets, _options, _time, _logger);
        await using (staged.ConfigureAwait(false))
        {
            for (var i = 0; i < targets.Count; i++)
            {
                if (!staged.IsStaged(i))
                {
                    movedAside[i] = await IndexHealth.EmptyAsync(targets[i], damaged[i], _time, cancellationToken).ConfigureAwait(false);
                }
            }

            replayed = await new IndexRebuilder(registry, writer).ReplayAsync(staged.Targets, cancellationToken).ConfigureAwait(false);
            await staged.FinishAsync().ConfigureAwait(false);
            for (var i = 0; i < targets.Count; i++)
            {
                if (staged.IsStaged(i))
                {
                    movedAside[i] = await staged.SwapInAsync(i, damaged[i], _time, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        // Jobs may have written documents while the replay ran; one repair pass settles them.
        await WithCheckerAsync(registry, targets, async checker =>
        {
            await checker.ScanAsync(_ => new IndexRepairer(registry, targets, writer), cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

        var results = new List<IndexRebuild>(targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            ConsistencyLog.Rebuilt(_logger, targets[i].Name, replayed[i].Chunks, replayed[i].Documents);
            results.Add(new IndexRebuild
            {
                Name = targets[i].Name,
                Documents = replayed[i].Documents,
                Chunks = replayed[i].Chunks,
                Unrepairable = replayed[i].Unrepairable,
                MovedAside = movedAside[i],
            });
        }

        return results;
    }

    /// <summary>Runs <paramref name="work"/> with a checker whose temporary files live in a folder deleted afterwards.</summary>
    internal async Task<T> WithCheckerAsync<T>(IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, Func<ConsistencyChecker, Task<T>> work)
    {
        var temporary = Path.Combine(Layout.TemporaryDirectory, "verify-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await work(new ConsistencyChecker(registry, indexes, temporary, _time)).ConfigureAwait(false);
            if (result is ConsistencyReport report)
            {
                LogReport(report);
            }

            return result;
        }
        finally
        {
            DeleteQuietly(temporary);
        }
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

    private void LogReport(ConsistencyReport report)
    {
        if (report.IsConsistent)
        {
            ConsistencyLog.Consistent(_logger, report.RegistryChunks, report.Duration);
            return;
        }

        foreach (var index in report.Indexes.Values.Where(i => !i.IsConsistent))
        {
            if (index.Error is not null)
            {
                ConsistencyLog.Unreadable(_logger, index.Name, index.Error);
            }
            else
            {
                ConsistencyLog.Inconsistent(_logger, report.RegistryChunks, report.Duration, index.Name, index.Discrepancies.Missing, index.Discrepancies.Orphaned, index.Discrepancies.Stale);
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Temporary files only; nothing reads them again.
        }
    }
}
