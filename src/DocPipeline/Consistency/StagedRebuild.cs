using DocPipeline.Configuration;
using DocPipeline.Indexing;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Consistency;

/// <summary>
/// The new indexes of a rebuild, written into folders beside the live ones (see <see cref="RebuildStaging"/>) while
/// the live ones keep serving, and swapped in once complete. An index with no folder of its own (in memory, or not
/// embedded) is rebuilt in place. Disposing before <see cref="FinishAsync"/> deletes the staged folders.
/// </summary>
internal sealed class StagedRebuild : IAsyncDisposable
{
    private readonly IReadOnlyList<ISearchIndex> _live;
    private readonly Stage?[] _stages;
    private bool _finished;

    private StagedRebuild(IReadOnlyList<ISearchIndex> live, Stage?[] stages)
    {
        _live = live;
        _stages = stages;
    }

    /// <summary>Gets the indexes to write, in the order of the targets: the staged one, or the live one when it is rebuilt in place.</summary>
    public IReadOnlyList<ISearchIndex> Targets => _live.Select((index, i) => _stages[i]?.Index ?? index).ToList();

    /// <summary>Creates a staged index beside each target that has a folder.</summary>
    public static StagedRebuild Create(IReadOnlyList<ISearchIndex> targets, DocPipelineOptions options, TimeProvider time, ILogger logger)
    {
        var id = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'-", System.Globalization.CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8];
        var stages = new Stage?[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            stages[i] = FolderIndex.Of(targets[i]) is { Folder: { } live } folder && RebuildStaging.NewFolder(live, id) is var staging
                ? new Stage(folder.CreateAt(staging, options, time, logger), staging, folder.IsIndexFile)
                : null;
        }

        return new StagedRebuild(targets, stages);
    }

    /// <summary>Whether target <paramref name="i"/> is written beside the live index (otherwise in place).</summary>
    public bool IsStaged(int i) => _stages[i] is not null;

    /// <summary>Closes the staged indexes and marks them finished: from here on, the next open of a live index swaps its new one in.</summary>
    public async Task FinishAsync()
    {
        foreach (var stage in _stages.OfType<Stage>())
        {
            await CloseAsync(stage.Index).ConfigureAwait(false);
            RebuildStaging.MarkFinished(stage.Folder, stage.IsIndexFile);
        }

        _finished = true;
    }

    /// <summary>
    /// Swaps the finished index of target <paramref name="i"/> in. A damaged live index has its files moved aside
    /// first (see <see cref="IndexHealth.EmptyAsync"/>), and its new index is swapped in as it opens again.
    /// </summary>
    /// <returns>Where damaged files went, or <see langword="null"/>.</returns>
    public async Task<string?> SwapInAsync(int i, bool damaged, TimeProvider time, CancellationToken cancellationToken)
    {
        var live = _live[i];
        if (damaged)
        {
            return await IndexHealth.EmptyAsync(live, damaged: true, time, cancellationToken).ConfigureAwait(false);
        }

        if (FolderIndex.Of(live) is { } folder)
        {
            await folder.ReopenAsync(cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Before <see cref="FinishAsync"/>: closes the staged indexes and deletes their folders (the live ones were never touched).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_finished)
        {
            return;
        }

        foreach (var stage in _stages.OfType<Stage>())
        {
            await CloseAsync(stage.Index).ConfigureAwait(false);
            try
            {
                if (Directory.Exists(stage.Folder))
                {
                    Directory.Delete(stage.Folder, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The next open of the live index deletes it (RebuildStaging.Recover).
            }
        }
    }

    /// <summary>Closes an index instance: asynchronously when it can.</summary>
    internal static async Task CloseAsync(ISearchIndex index)
    {
        switch (index)
        {
            case IAsyncDisposable asynchronous:
                await asynchronous.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private sealed record Stage(ISearchIndex Index, string Folder, Func<string, bool> IsIndexFile);
}
