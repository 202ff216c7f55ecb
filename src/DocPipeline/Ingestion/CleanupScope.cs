using Microsoft.Extensions.FileSystemGlobbing;

namespace DocPipeline.Ingestion;

/// <summary>
/// The part of the corpus one run speaks for, used by <see cref="CleanupMode.Scoped"/>: the folders it was given,
/// and for globs the files below the glob's folder that the glob matches. A document outside every scope is never
/// removed by a scoped cleanup, however long ago it was seen.
/// </summary>
internal sealed class CleanupScope
{
    private readonly List<(string Root, Matcher? Matcher)> _scopes = [];

    public void AddFolder(string folder) => Add(folder, null);

    public void AddGlob(string root, string pattern)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        Add(root, matcher);
    }

    public bool Contains(string source)
    {
        foreach (var (root, matcher) in _scopes)
        {
            var prefix = root + Path.DirectorySeparatorChar;
            if (!source.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (matcher is null || matcher.Match(source[prefix.Length..].Replace(Path.DirectorySeparatorChar, '/')).HasMatches)
            {
                return true;
            }
        }

        return false;
    }

    private void Add(string root, Matcher? matcher)
    {
        var normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _scopes.Add((normalized, matcher));
    }
}
