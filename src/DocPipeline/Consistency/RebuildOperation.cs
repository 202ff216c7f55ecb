using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>
/// Rebuild: writes indexes again from the stored chunks and embeddings (no re-embedding), beside the live ones, and
/// swaps them in; takes a backup first when <c>AutoBackup</c> is on.
/// </summary>
internal sealed class RebuildOperation(
    IDocumentRegistry registry,
    IEmbeddingCache embeddings,
    ISettingsStore settings,
    IVectorIndex vector,
    IKeywordIndex keyword,
    BackupOperation backup,
    CheckerRunner checker,
    MaintenanceGate gate,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<RebuildOperation>? logger = null)
{
    private readonly DocPipelineOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>See <see cref="IIndexMaintenance.RebuildAsync"/>.</summary>
    public Task<RebuildResult> RebuildAsync(RebuildTarget target, CancellationToken cancellationToken) =>
        gate.RunAsync(() => RebuildTargetsAsync(target, cancellationToken), cancellationToken);

    /// <summary>Rebuilds an index that cannot be opened (its files are moved aside) from the container's registry.</summary>
    /// <param name="index">The index; possibly an instance opened only for the startup check.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    public Task RebuildDamagedAsync(ISearchIndex index, CancellationToken cancellationToken) =>
        gate.RunAsync(() => RebuildCoreAsync([index], [true], cancellationToken), cancellationToken);

    private async Task<RebuildResult> RebuildTargetsAsync(RebuildTarget target, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        ISearchIndex[] indexes = [vector, keyword];
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

        var taken = await backup.BackupBeforeDestructiveAsync("rebuilding the " + string.Join(" and ", targets.Select(t => t.Name)) + " index", cancellationToken).ConfigureAwait(false);
        var rebuilt = await RebuildCoreAsync(targets, states.Select(s => s.State == IndexState.Damaged).ToList(), cancellationToken).ConfigureAwait(false);
        var after = await checker.VerifyAsync(registry, indexes, cancellationToken).ConfigureAwait(false);
        return new RebuildResult
        {
            Indexes = rebuilt.ToDictionary(r => r.Name, StringComparer.Ordinal),
            BackupPath = taken?.Path,
            After = after,
            Duration = time.GetElapsedTime(started),
        };
    }

    /// <summary>
    /// Replays the registry into new indexes beside the targets and swaps them in once complete (an index with no
    /// folder of its own is emptied and replayed in place; damaged files are moved aside), then fixes what changed
    /// meanwhile. Until the swap the targets serve as they were; a failure or a crash before it leaves them so.
    /// </summary>
    public Task<IReadOnlyList<IndexRebuild>> RebuildCoreAsync(IReadOnlyList<ISearchIndex> targets, IReadOnlyList<bool> damaged, CancellationToken cancellationToken) =>
        RebuildCoreAsync(registry, targets, damaged, cancellationToken);

    /// <summary>As <see cref="RebuildCoreAsync(IReadOnlyList{ISearchIndex}, IReadOnlyList{bool}, CancellationToken)"/>, from <paramref name="source"/>.</summary>
    internal async Task<IReadOnlyList<IndexRebuild>> RebuildCoreAsync(
        IDocumentRegistry source, IReadOnlyList<ISearchIndex> targets, IReadOnlyList<bool> damaged, CancellationToken cancellationToken)
    {
        var movedAside = new string?[targets.Count];
        var writer = new ArtifactWriter(embeddings, settings);
        (long Documents, long Chunks, long Unrepairable)[] replayed;
        var staged = StagedRebuild.Create(targets, _options, time, _logger);
        await using (staged.ConfigureAwait(false))
        {
            for (var i = 0; i < targets.Count; i++)
            {
                if (!staged.IsStaged(i))
                {
                    movedAside[i] = await IndexHealth.EmptyAsync(targets[i], damaged[i], time, cancellationToken).ConfigureAwait(false);
                }
            }

            replayed = await new IndexRebuilder(source, writer).ReplayAsync(staged.Targets, cancellationToken).ConfigureAwait(false);
            await staged.FinishAsync().ConfigureAwait(false);
            for (var i = 0; i < targets.Count; i++)
            {
                if (staged.IsStaged(i))
                {
                    movedAside[i] = await staged.SwapInAsync(i, damaged[i], time, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        // Jobs may have written documents while the replay ran; one repair pass settles them.
        await checker.RunAsync(source, targets, async c =>
        {
            await c.ScanAsync(_ => new IndexRepairer(source, targets, writer), cancellationToken).ConfigureAwait(false);
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
}
