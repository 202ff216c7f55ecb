using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Maintenance;

namespace DocPipeline.Consistency;

/// <summary>
/// Tells a damaged index (rebuild it) from one that another process holds (leave it alone), and clears a damaged
/// one so it can be rebuilt: its files are moved aside, never deleted.
/// </summary>
internal static class IndexHealth
{
    /// <summary>Opens <paramref name="index"/> if needed and says whether it is usable.</summary>
    /// <param name="index">The index.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <param name="probe">Check only what the index can check cheaply (see <see cref="FolderIndex.ProbeAsync"/>): a pipeline's start.</param>
    /// <returns>The state and, unless healthy, the error naming the index and its file.</returns>
    public static async Task<(IndexState State, string? Error)> CheckAsync(ISearchIndex index, CancellationToken cancellationToken, bool probe = false)
    {
        if (FolderIndex.Of(index) is { } folder)
        {
            var health = await (probe ? folder.ProbeAsync(cancellationToken) : folder.OpenAsync(cancellationToken)).ConfigureAwait(false);
            return (health.State switch
            {
                StoreHealthState.Healthy => IndexState.Healthy,
                StoreHealthState.InUse => IndexState.InUse,
                _ => IndexState.Damaged,
            }, health.Reason);
        }

        try
        {
            await index.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            return (IndexState.Healthy, null);
        }
        catch (DocPipelineStorageException ex)
        {
            return (IndexState.Unavailable, ex.Message);
        }
    }

    /// <summary>
    /// Checks an index that keeps its files in <paramref name="location"/>: missing when the folder holds no index
    /// files (opening it would create it empty), otherwise as <see cref="CheckAsync"/> says.
    /// </summary>
    public static async Task<StoreHealth> CheckFolderAsync(ISearchIndex index, string location, CancellationToken cancellationToken)
    {
        if (!IIndexFolder.HasFiles(location))
        {
            return new StoreHealth(StoreHealthState.Missing, $"The {index.Name} index at '{location}' is missing (the folder holds no index files).");
        }

        var (state, error) = await CheckAsync(index, cancellationToken).ConfigureAwait(false);
        return state switch
        {
            IndexState.Healthy => StoreHealth.Healthy,
            IndexState.InUse => new StoreHealth(StoreHealthState.InUse, error),
            IndexState.Damaged => new StoreHealth(StoreHealthState.Damaged, error),
            _ => new StoreHealth(StoreHealthState.Unavailable, error),
        };
    }

    /// <summary>
    /// Empties an index so it can be rebuilt. An index that cannot be opened has its files moved aside first (the
    /// vector files renamed with a <c>.damaged-…</c> suffix, the Lucene files into a <c>…damaged-…</c> folder beside
    /// the index folder); a healthy one is cleared.
    /// </summary>
    /// <returns>Where damaged files went, or <see langword="null"/> when the index was cleared in place.</returns>
    public static async Task<string?> EmptyAsync(ISearchIndex index, bool damaged, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!damaged)
        {
            await index.ClearAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (FolderIndex.Of(index) is { } folder)
        {
            return await folder.SetAsideDamagedAsync(time, cancellationToken).ConfigureAwait(false);
        }

        await index.ClearAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Whether another handle holds the exclusive lock on <paramref name="lockFile"/> (the way both embedded indexes lock their folder).</summary>
    internal static bool IsHeld(string lockFile)
    {
        using var probe = new ExclusiveFileLock(lockFile);
        return probe.IsLocked();
    }
}
