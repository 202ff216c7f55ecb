using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing;

/// <summary>
/// The folders a rebuild writes a new index into, beside the live one (<c>&lt;folder&gt;.rebuild-&lt;id&gt;</c>), and
/// the swap that moves a finished one in. The live index keeps serving until the swap; a rebuild that dies first
/// leaves only its folder, which the next open of the index deletes.
/// </summary>
/// <remarks>
/// A finished folder holds <see cref="SwapListName"/>, the names of its files, written and flushed before anything of
/// the live index is touched. From then on the swap is finished by whoever opens the index next, so a crash in the
/// middle of it never leaves a mix: the swap deletes the live index files not in the list, then moves each listed file
/// still in the folder over its live namesake; run again, it does only what is left.
/// </remarks>
internal static class RebuildStaging
{
    /// <summary>The file that marks a staged index as finished, listing the files to move in.</summary>
    public const string SwapListName = "rebuild-swap.txt";

    private const string Infix = Consistency.DataFolderLayout.RebuildInfix;

    /// <summary>Returns a new staging folder path beside <paramref name="liveDirectory"/> (not created).</summary>
    public static string NewFolder(string liveDirectory, string id) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(liveDirectory)) + Infix + id;

    /// <summary>Whether any staging folder lies beside <paramref name="liveDirectory"/> (cheap; nothing is created).</summary>
    public static bool AnyBeside(string liveDirectory)
    {
        var live = Path.TrimEndingDirectorySeparator(Path.GetFullPath(liveDirectory));
        var parent = Path.GetDirectoryName(live);
        return parent is not null && Directory.Exists(parent) && Directory.EnumerateDirectories(parent, Path.GetFileName(live) + Infix + "*").Any();
    }

    /// <summary>Whether a finished staging folder (one whose swap the next open completes) lies beside <paramref name="liveDirectory"/>.</summary>
    public static bool AnyFinishedBeside(string liveDirectory)
    {
        var live = Path.TrimEndingDirectorySeparator(Path.GetFullPath(liveDirectory));
        var parent = Path.GetDirectoryName(live);
        return parent is not null && Directory.Exists(parent) &&
            Directory.EnumerateDirectories(parent, Path.GetFileName(live) + Infix + "*").Any(staging => File.Exists(Path.Combine(staging, SwapListName)));
    }

    /// <summary>Marks <paramref name="staging"/> as finished: lists its index files (durably) so that a swap can start.</summary>
    /// <param name="staging">The staging folder; its index is closed.</param>
    /// <param name="isIndexFile">Whether a file name is part of the index (not a lock file).</param>
    public static void MarkFinished(string staging, Func<string, bool> isIndexFile)
    {
        // An index that received nothing (an empty registry) never created its folder: its swap empties the live one.
        Directory.CreateDirectory(staging);
        var files = Directory.EnumerateFiles(staging).Select(Path.GetFileName).OfType<string>().Where(isIndexFile).Order(StringComparer.Ordinal).ToList();
        var temporary = Path.Combine(staging, SwapListName + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            foreach (var file in files)
            {
                writer.WriteLine(file);
            }

            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path.Combine(staging, SwapListName));
    }

    /// <summary>
    /// Deals with the staging folders beside <paramref name="liveDirectory"/>: a finished one is swapped in, one a
    /// rebuild still holds is left alone, any other (a rebuild that died) is deleted. The caller holds the live
    /// index's lock and has it closed.
    /// </summary>
    /// <param name="liveDirectory">The live index folder.</param>
    /// <param name="isIndexFile">Whether a file name is part of the index (not a lock file).</param>
    /// <param name="tryLock">Takes the lock of a staging folder's index, or returns <see langword="null"/> when another holder has it.</param>
    /// <param name="logger">Where the swap or the cleanup is logged.</param>
    /// <exception cref="DocPipelineStorageException">A file cannot be moved or deleted.</exception>
    public static void Recover(string liveDirectory, Func<string, bool> isIndexFile, Func<string, IDisposable?> tryLock, ILogger logger)
    {
        if (!AnyBeside(liveDirectory))
        {
            return;
        }

        var live = Path.TrimEndingDirectorySeparator(Path.GetFullPath(liveDirectory));
        var parent = Path.GetDirectoryName(live)!;

        foreach (var staging in Directory.EnumerateDirectories(parent, Path.GetFileName(live) + Infix + "*").Order(StringComparer.Ordinal).ToList())
        {
            var held = tryLock(staging);
            if (held is null)
            {
                continue;
            }

            try
            {
                var list = Path.Combine(staging, SwapListName);
                if (File.Exists(list))
                {
                    SwapIn(live, staging, File.ReadAllLines(list), isIndexFile);
                    RebuildStagingLog.SwappedIn(logger, staging, live);
                }
                else
                {
                    RebuildStagingLog.Discarded(logger, staging);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new DocPipelineStorageException($"The rebuilt index '{staging}' cannot be swapped in for '{live}': {ex.Message}", ex);
            }
            finally
            {
                held.Dispose();
            }

            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                RebuildStagingLog.LeftoverKept(logger, staging, ex);
            }
        }
    }

    private static void SwapIn(string live, string staging, string[] names, Func<string, bool> isIndexFile)
    {
        Directory.CreateDirectory(live);
        var listed = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(live).ToList())
        {
            if (Path.GetFileName(file) is { } name && isIndexFile(name) && !listed.Contains(name))
            {
                File.Delete(file);
            }
        }

        foreach (var name in names)
        {
            var staged = Path.Combine(staging, name);
            if (File.Exists(staged))
            {
                File.Move(staged, Path.Combine(live, name), overwrite: true);
            }
        }
    }
}
