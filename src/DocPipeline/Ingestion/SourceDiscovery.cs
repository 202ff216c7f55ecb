using System.Runtime.CompilerServices;
using Microsoft.Extensions.FileSystemGlobbing;

namespace DocPipeline.Ingestion;

/// <summary>
/// Expands the sources of a run lazily: a file is itself, a folder is every file below it, a glob
/// (<c>docs/**/*.pdf</c>) is every file below its fixed prefix that matches. Files are yielded as they are found;
/// nothing lists the whole corpus. Hidden files and folders (names starting with a dot) and the folders in
/// <c>excludedFolders</c> (the data directory) are skipped; symbolic links to folders are not followed, so a link
/// cycle cannot loop.
/// </summary>
internal sealed class SourceDiscovery(IReadOnlyCollection<string> excludedFolders)
{
    /// <summary>Gets the folders and globs expanded so far, for scoped cleanup.</summary>
    public CleanupScope Scope { get; } = new();

    private static readonly char[] GlobCharacters = ['*', '?', '[', '{'];

    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint | FileAttributes.Device,
        ReturnSpecialDirectories = false,
    };

    private readonly string[] _excluded = excludedFolders
        .Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)) + Path.DirectorySeparatorChar)
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

    private IEnumerable<DiscoveredSource> Files(string root, string reportedRoot, Matcher? matcher)
    {
        foreach (var path in Directory.EnumerateFiles(root, "*", Walk))
        {
            if (IsExcluded(path))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, path);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            {
                continue;
            }

            if (matcher is not null && !matcher.Match(relative.Replace(Path.DirectorySeparatorChar, '/')).HasMatches)
            {
                continue;
            }

            yield return new DiscoveredSource(path, reportedRoot, null);
        }
    }

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
}
