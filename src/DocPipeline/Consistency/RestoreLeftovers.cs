using Microsoft.Extensions.Logging;

namespace DocPipeline.Consistency;

/// <summary>
/// What a restore that was killed leaves beside the stores, and how the next restore settles it. A restore unpacks
/// each store to <c>&lt;store&gt;.restore-&lt;id&gt;</c>, writes <c>restore-&lt;id&gt;.swapping</c> into the data
/// folder, renames each current store (with its SQLite journal files) to <c>&lt;store&gt;.pre-restore-&lt;id&gt;</c> and
/// the staged copy into its place, deletes the renamed stores, and last the marker.
/// </summary>
/// <remarks>
/// <para>Without the marker the swap never started: the stores in place are the data folder's own, and the staged
/// copies (of a backup that still exists) are deleted. With it the swap was under way, so every staged copy was
/// complete and checked: the swap is finished (stores still staged are moved in, their predecessors aside), and only
/// then are the predecessors deleted. No copy is deleted while it is the only one of its store. When a store was
/// created again in the meantime (a process opened the half-restored folder), that restore's leftovers are left as
/// they are and reported.</para>
/// </remarks>
internal static partial class RestoreLeftovers
{
    private const string StagedInfix = DataFolderLayout.RestoreStagedInfix;
    private const string AsideInfix = DataFolderLayout.RestoreAsideInfix;
    private const string MarkerPrefix = DataFolderLayout.RestoreMarkerPrefix;
    private const string MarkerSuffix = DataFolderLayout.RestoreMarkerSuffix;
    private static readonly string[] SqliteParts = ["", "-wal", "-shm", "-journal"];

    /// <summary>Gets the path of the marker that says the restore <paramref name="id"/> is swapping stores.</summary>
    public static string MarkerPath(DataFolderLayout layout, string id) => Path.Combine(layout.DataDirectory, MarkerPrefix + id + MarkerSuffix);

    /// <summary>Gets where the restore <paramref name="id"/> unpacks the store at <paramref name="target"/> before it swaps it in.</summary>
    public static string StagedOf(string target, string id) => target + StagedInfix + id;

    /// <summary>Gets the name a store part is renamed to while the restore <paramref name="id"/> swaps it out.</summary>
    public static string AsideOf(string part, string id) => part + AsideInfix + id;

    /// <summary>Lists every leftover of an interrupted restore in <paramref name="layout"/>: staged copies, stores renamed aside, markers.</summary>
    public static IReadOnlyList<string> Find(DataFolderLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return FindById(layout).SelectMany(g => g.Value).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Settles every interrupted restore (see the remarks of <see cref="RestoreLeftovers"/>); the caller holds the stores closed.</summary>
    /// <returns>What was done, one sentence per interrupted restore.</returns>
    public static IReadOnlyList<string> Settle(DataFolderLayout layout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(logger);
        var done = new List<string>();
        foreach (var (id, paths) in FindById(layout))
        {
            var marker = MarkerPath(layout, id);
            var swapping = File.Exists(marker) || paths.Any(p => p.Contains(AsideInfix, StringComparison.Ordinal));
            string outcome;
            if (!swapping)
            {
                paths.ForEach(p => BackupFiles.DeletePath(p));
                outcome = $"A restore interrupted before it replaced any store left {paths.Count} staged copies; they were deleted.";
            }
            else if (Conflict(layout, id) is { } conflict)
            {
                outcome = $"A restore interrupted while it replaced the stores left {string.Join(", ", paths)}; they were kept, because '{conflict}' was created again since. Restore a backup into this folder, or move them aside by hand.";
                Interrupted(logger, outcome);
                done.Add(outcome);
                continue;
            }
            else
            {
                FinishSwap(layout, id);
                foreach (var aside in FindById(layout).GetValueOrDefault(id, []))
                {
                    BackupFiles.DeletePath(aside);
                }

                outcome = "A restore interrupted while it replaced the stores was finished: every store now holds the backup, and the replaced stores were deleted.";
            }

            File.Delete(marker);
            Interrupted(logger, outcome);
            done.Add(outcome);
        }

        return done;
    }

    /// <summary>A store part still in place although its predecessor of restore <paramref name="id"/> is aside: created since.</summary>
    private static string? Conflict(DataFolderLayout layout, string id)
    {
        foreach (var store in DataFolderLayout.StoreOrder)
        {
            var target = layout.TargetOf(store);
            if (!Exists(StagedOf(target, id)))
            {
                continue;
            }

            foreach (var part in PartsOf(store, target))
            {
                if (Exists(part) && Exists(AsideOf(part, id)))
                {
                    return part;
                }
            }
        }

        return null;
    }

    /// <summary>Moves each store still staged into place, its current parts (if any) aside.</summary>
    private static void FinishSwap(DataFolderLayout layout, string id)
    {
        foreach (var store in DataFolderLayout.StoreOrder)
        {
            var target = layout.TargetOf(store);
            var staged = StagedOf(target, id);
            if (!Exists(staged))
            {
                continue;
            }

            foreach (var part in PartsOf(store, target).Where(Exists))
            {
                Move(part, AsideOf(part, id));
            }

            Move(staged, target);
        }
    }

    /// <summary>The leftovers of each interrupted restore, by restore id.</summary>
    private static Dictionary<string, List<string>> FindById(DataFolderLayout layout)
    {
        var byId = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var store in DataFolderLayout.StoreOrder)
        {
            var target = layout.TargetOf(store);
            var folder = Path.GetDirectoryName(target)!;
            if (!Directory.Exists(folder))
            {
                continue;
            }

            var parts = PartsOf(store, target).Select(Path.GetFileName).ToList();
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder, Path.GetFileName(target) + "*"))
            {
                var name = Path.GetFileName(entry);
                foreach (var part in parts)
                {
                    foreach (var infix in (string[])[StagedInfix, AsideInfix])
                    {
                        if (name.StartsWith(part + infix, StringComparison.Ordinal) && IsId(name[(part!.Length + infix.Length)..]))
                        {
                            Add(byId, name[(part.Length + infix.Length)..], entry);
                        }
                    }
                }
            }
        }

        if (Directory.Exists(layout.DataDirectory))
        {
            foreach (var marker in Directory.EnumerateFiles(layout.DataDirectory, MarkerPrefix + "*" + MarkerSuffix))
            {
                var name = Path.GetFileName(marker);
                var id = name[MarkerPrefix.Length..^MarkerSuffix.Length];
                if (IsId(id))
                {
                    Add(byId, id, marker);
                }
            }
        }

        return byId;
    }

    private static void Add(Dictionary<string, List<string>> byId, string id, string path)
    {
        if (!byId.TryGetValue(id, out var paths))
        {
            byId[id] = paths = [];
        }

        if (!paths.Contains(path, StringComparer.Ordinal))
        {
            paths.Add(path);
        }
    }

    /// <summary>The paths that make up a store: a folder, or a SQLite file with its journal files.</summary>
    public static string[] PartsOf(string store, string target) =>
        BackupLayout.IsFolder(store) ? [target] : SqliteParts.Select(suffix => target + suffix).ToArray();

    private static bool IsId(string text) => text.Length == 32 && text.All(char.IsAsciiHexDigitLower);

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    /// <summary>Renames a file or a folder.</summary>
    public static void Move(string from, string to)
    {
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }
    }

    [LoggerMessage(5120, LogLevel.Warning, "{Outcome}")]
    private static partial void Interrupted(ILogger logger, string outcome);
}
