using System.Globalization;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Maintenance;
using Lucene.Net.Index;

namespace DocPipeline.Consistency;

/// <summary>
/// Tells a damaged index (rebuild it) from one that another process holds (leave it alone), and clears a damaged
/// one so it can be rebuilt: its files are moved aside, never deleted.
/// </summary>
internal static class IndexHealth
{
    /// <summary>Opens <paramref name="index"/> if needed and says whether it is usable.</summary>
    /// <returns>The state and, unless healthy, the error naming the index and its file.</returns>
    public static async Task<(IndexState State, string? Error)> CheckAsync(ISearchIndex index, CancellationToken cancellationToken)
    {
        switch (index)
        {
            case EmbeddedVectorIndex embedded:
                if (await embedded.TryOpenAsync(cancellationToken).ConfigureAwait(false) is not { } failure)
                {
                    return (IndexState.Healthy, null);
                }

                // A failed open keeps the folder lock, so the lock file cannot tell who holds it; the error can: the
                // lock is the first thing an open takes, and its failure names the held lock file.
                var locked = failure.Message.Contains($"{VectorFolderLock.FileName}' is held", StringComparison.Ordinal);
                return (locked ? IndexState.InUse : IndexState.Damaged, failure.Message);
            case LuceneKeywordIndex lucene:
                try
                {
                    lucene.OpenOrReport();
                    return (IndexState.Healthy, null);
                }
                catch (DocPipelineStorageException ex)
                {
                    var held = !lucene.IsInMemory && IsHeld(Path.Combine(lucene.Location, IndexWriter.WRITE_LOCK_NAME));
                    return (held ? IndexState.InUse : IndexState.Damaged, ex.Message);
                }

            default:
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

        switch (index)
        {
            case EmbeddedVectorIndex embedded:
                var suffix = await embedded.ResetAsync(cancellationToken).ConfigureAwait(false);
                return Path.Combine(embedded.DirectoryPath, "*" + suffix);
            case LuceneKeywordIndex { IsInMemory: false } lucene:
                var aside = MoveLuceneFilesAside(lucene.Location, time);
                await lucene.RecreateAsync(cancellationToken).ConfigureAwait(false);
                return aside;
            case LuceneKeywordIndex lucene:
                await lucene.RecreateAsync(cancellationToken).ConfigureAwait(false);
                return null;
            default:
                await index.ClearAsync(cancellationToken).ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>Whether another handle holds the exclusive lock on <paramref name="lockFile"/> (the way both embedded indexes lock their folder).</summary>
    internal static bool IsHeld(string lockFile)
    {
        using var probe = new ExclusiveFileLock(lockFile);
        return probe.IsLocked();
    }

    private static string? MoveLuceneFilesAside(string folder, TimeProvider time)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith(IndexFileNames.SEGMENTS, StringComparison.Ordinal) || name.StartsWith('_')))
            .ToList();
        if (files.Count == 0)
        {
            return null;
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var aside = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + DataFolderLayout.DamagedInfix + stamp;
        try
        {
            Directory.CreateDirectory(aside);
            foreach (var file in files)
            {
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocPipelineStorageException($"The damaged keyword index '{folder}' cannot be moved aside to '{aside}': {ex.Message}", ex);
        }

        return aside;
    }
}
