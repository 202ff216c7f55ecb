using System.Runtime.CompilerServices;
using System.IO.Enumeration;
using DocPipeline.Sources;
using Microsoft.Extensions.FileSystemGlobbing;

namespace DocPipeline.Ingestion;

/// <summary>
/// Expands the sources of a run lazily: a file is itself, a folder is every file below it, a glob
/// (<c>docs/**/*.pdf</c>) is every file below its fixed prefix that matches. Files are yielded as they are found;
/// nothing lists the whole corpus. Hidden files and folders (names starting with a dot) and the folders in
/// <c>excludedFolders</c> (the data directory) are skipped. Symbolic links to files and folders are followed, and a
/// file is found under the link's path; a folder reached twice (a link cycle, or two links to one folder) is walked
/// once, and a link that leads nowhere, back to a folder already walked, or to a FIFO, socket or device is reported as
/// skipped with its reason, never dropped silently.
/// </summary>
internal sealed class SourceDiscovery(IReadOnlyCollection<string> excludedFolders, IReadOnlyCollection<string>? linkRoots = null)
{
    /// <summary>Gets the folders and globs expanded so far, for scoped cleanup.</summary>
    public CleanupScope Scope { get; } = new();

    private static readonly char[] GlobCharacters = ['*', '?', '[', '{'];

    /// <summary>One folder's visible entries (hidden means a name starting with a dot, which needs no <c>stat</c>).</summary>
    private static readonly EnumerationOptions Visible = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden,
    };

    /// <summary>One folder's visible entries except symbolic links (told from the directory listing, without <c>stat</c>).</summary>
    private static readonly EnumerationOptions WithoutLinks = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint,
    };

    private readonly string[] _excluded = excludedFolders
        .Select(Path.GetFullPath)
        .SelectMany(f => new[] { f, SourceFile.GetRealPath(f, out _) ?? f })
        .Select(f => Path.TrimEndingDirectorySeparator(f) + Path.DirectorySeparatorChar)
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    // Null: links may lead anywhere. Each root by its real path, so that a root that is itself a link compares alike.
    private readonly string[]? _linkRoots = linkRoots?
        .Select(Path.GetFullPath)
        .Select(f => SourceFile.GetRealPath(f, out _) ?? f)
        .Select(f => Path.TrimEndingDirectorySeparator(f) + Path.DirectorySeparatorChar)
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    public static bool IsGlob(string source) => source.IndexOfAny(GlobCharacters) >= 0;

    public async IAsyncEnumerable<DiscoveredSource> ExpandAsync(IEnumerable<string> sources, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(source))
            {
                yield return new DiscoveredSource(source ?? string.Empty, null, "An empty source was given.");
                continue;
            }

            var found = 0L;
            foreach (var item in Expand(source))
            {
                found++;
                yield return item;
                if (found % 1024 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }
            }

            if (found == 0)
            {
                yield return new DiscoveredSource(source, null, IsGlob(source)
                    ? $"The glob '{source}' matched no files."
                    : $"The folder '{source}' holds no files DocPipeline can see (hidden files are skipped).");
            }
        }
    }

    private IEnumerable<DiscoveredSource> Expand(string source)
    {
        if (IsGlob(source))
        {
            return ExpandGlob(source);
        }

        var fullPath = Path.GetFullPath(source);
        if (File.Exists(fullPath))
        {
            return [new DiscoveredSource(fullPath, null, null)];
        }

        if (Directory.Exists(fullPath))
        {
            Scope.AddFolder(fullPath);
            return Files(fullPath, fullPath, null);
        }

        return [new DiscoveredSource(source, null, $"The path '{source}' does not exist.")];
    }

    private IEnumerable<DiscoveredSource> ExpandGlob(string glob)
    {
        // The fixed prefix (up to the last separator before the first glob character) is the folder to walk.
        var normalized = glob.Replace('\\', '/');
        var firstGlob = normalized.IndexOfAny(GlobCharacters);
        var lastSeparator = normalized.LastIndexOf('/', firstGlob);
        var prefix = lastSeparator < 0 ? "." : normalized[..Math.Max(lastSeparator, 1)];
        var pattern = lastSeparator < 0 ? normalized : normalized[(lastSeparator + 1)..];
        var root = Path.GetFullPath(prefix);
        if (!Directory.Exists(root))
        {
            return [new DiscoveredSource(glob, null, $"The folder '{prefix}' of the glob '{glob}' does not exist.")];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        Scope.AddGlob(root, pattern);
        return Files(root, root, matcher);
    }

    /// <summary>
    /// Walks a folder breadth first. Symbolic links are followed after every folder reached without one, so a file or
    /// folder is found under its own path when it has one; a folder reached a second time (a link cycle, or two links
    /// to one folder) is walked once, and each link that is not followed says why.
    /// </summary>
    private IEnumerable<DiscoveredSource> Files(string root, string reportedRoot, Matcher? matcher)
    {
        // Every folder walked, by its canonical path, with the path it was walked under.
        var walked = new Dictionary<string, string>(StringComparer.Ordinal);
        var folders = new Queue<(string Path, string RealPath)>();
        var links = new Queue<string>();
        var rootReal = SourceFile.GetRealPath(root, out _) ?? root;
        walked[rootReal] = root;
        folders.Enqueue((root, rootReal));
        while (true)
        {
            if (folders.TryDequeue(out var folder))
            {
                foreach (var entry in Entries(folder.Path))
                {
                    if (IsExcluded(entry.IsDirectory ? entry.Path + Path.DirectorySeparatorChar : entry.Path))
                    {
                        continue;
                    }

                    if (entry.IsLink)
                    {
                        links.Enqueue(entry.Path);
                    }
                    else if (entry.IsDirectory)
                    {
                        // Below a linked folder the path differs from the canonical one: the data folder is excluded by either.
                        var real = Path.Join(folder.RealPath, entry.Name);
                        if (IsExcluded(real + Path.DirectorySeparatorChar))
                        {
                            continue;
                        }

                        if (!walked.TryAdd(real, entry.Path))
                        {
                            yield return Skip(entry.Path, $"The folder '{entry.Path}' is '{real}', already read as '{walked[real]}'; its files are read once.");
                            continue;
                        }

                        folders.Enqueue((entry.Path, real));
                    }
                    else if (Matches(root, entry.Path, matcher))
                    {
                        yield return new DiscoveredSource(entry.Path, reportedRoot, null);
                    }
                }
            }
            else if (links.TryDequeue(out var link))
            {
                var found = FollowLink(link, root, reportedRoot, matcher, walked, out var linkedFolder);
                if (linkedFolder is not null)
                {
                    folders.Enqueue((link, linkedFolder));
                }
                else if (found is not null)
                {
                    yield return found.Value;
                }
            }
            else
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Decides what a symbolic link found in a folder leads to: a folder to walk (<paramref name="folder"/>, its
    /// canonical path), a file to read under the link's path, a reason it is skipped, or nothing (a glob does not match it).
    /// </summary>
    private DiscoveredSource? FollowLink(string link, string root, string reportedRoot, Matcher? matcher, Dictionary<string, string> walked, out string? folder)
    {
        folder = null;
        var real = SourceFile.GetRealPath(link, out var error);
        if (real is null)
        {
            return Matches(root, link, matcher) ? Skip(link, $"The symbolic link '{link}' is not followed: {error}.") : null;
        }

        if (_linkRoots is not null && !_linkRoots.Any(r => (real + Path.DirectorySeparatorChar).StartsWith(r, StringComparison.Ordinal)))
        {
            return Matches(root, link, matcher) || Directory.Exists(real)
                ? Skip(link, $"The symbolic link '{link}' leads to '{real}', outside the folders links may lead into ({string.Join(", ", _linkRoots)}); it is not followed.")
                : null;
        }

        var kind = SourceFile.GetKind(real);
        if (kind == SourceFileKind.Directory)
        {
            if (IsExcluded(real + Path.DirectorySeparatorChar))
            {
                return Skip(link, $"The symbolic link '{link}' leads into the data folder ('{real}'), which DocPipeline does not read as a source.");
            }

            if (!walked.TryAdd(real, link))
            {
                return Skip(link, $"The symbolic link '{link}' leads to the folder '{real}', already read as '{walked[real]}' (a link cycle, or a second link to it); its files are read once.");
            }

            folder = real;
            return null;
        }

        if (!Matches(root, link, matcher))
        {
            return null;
        }

        if (kind is not (SourceFileKind.Regular or SourceFileKind.Unknown))
        {
            return Skip(link, $"The symbolic link '{link}' leads to '{real}', which is {SourceFile.Describe(kind)}, not a regular file; DocPipeline reads only regular files.");
        }

        // A link to a file the walk reads under its own path anyway: read once.
        if (walked.TryGetValue(Path.GetDirectoryName(real) ?? real, out var walkedAs) &&
            Path.Join(walkedAs, Path.GetFileName(real)) is var own &&
            !Path.GetFileName(real).StartsWith('.') && Matches(root, own, matcher) && !IsExcluded(real))
        {
            return Skip(link, $"The symbolic link '{link}' leads to '{real}', which is read as '{own}'; it is read once.");
        }

        return new DiscoveredSource(link, reportedRoot, null);
    }

    private static DiscoveredSource Skip(string path, string reason) => new(path, null, null) { SkipReason = reason };

    private static bool Matches(string root, string path, Matcher? matcher) =>
        matcher is null || matcher.Match(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/')).HasMatches;

    /// <summary>
    /// The entries of one folder that are not hidden; a folder deleted during the walk has none. Symbolic links come
    /// last: telling a link apart costs a <c>stat</c> per entry, so it is paid only in a folder that holds links,
    /// which a second listing (without <c>stat</c>) counts.
    /// </summary>
    private static IEnumerable<Entry> Entries(string folder)
    {
        var count = 0;
        foreach (var entry in List(folder, WithoutLinks, ToEntry))
        {
            count++;
            yield return entry;
        }

        if (List(folder, Visible, static (ref FileSystemEntry _) => true).Count() > count)
        {
            foreach (var link in List(folder, Visible, ToLink, IsLink))
            {
                yield return link;
            }
        }
    }

    private static IEnumerable<T> List<T>(
        string folder, EnumerationOptions options, FileSystemEnumerable<T>.FindTransform transform, FileSystemEnumerable<T>.FindPredicate? include = null)
    {
        IEnumerator<T> entries;
        try
        {
            entries = new FileSystemEnumerable<T>(folder, transform, options) { ShouldIncludePredicate = include }.GetEnumerator();
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        using (entries)
        {
            while (true)
            {
                try
                {
                    if (!entries.MoveNext())
                    {
                        yield break;
                    }
                }
                catch (DirectoryNotFoundException)
                {
                    yield break;
                }

                yield return entries.Current;
            }
        }
    }

    private static bool IsLink(ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;

    private static Entry ToEntry(ref FileSystemEntry entry) => new(entry.ToFullPath(), entry.FileName.ToString(), entry.IsDirectory, IsLink: false);

    private static Entry ToLink(ref FileSystemEntry entry) => new(entry.ToFullPath(), entry.FileName.ToString(), IsDirectory: false, IsLink: true);

    private bool IsExcluded(string path)
    {
        foreach (var excluded in _excluded)
        {
            if (path.StartsWith(excluded, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One entry of a folder: its full path, its name, whether it is a folder, whether it is a symbolic link.</summary>
    private readonly record struct Entry(string Path, string Name, bool IsDirectory, bool IsLink);
}
