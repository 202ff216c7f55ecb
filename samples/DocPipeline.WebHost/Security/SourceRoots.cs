using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost.Security;

/// <summary>
/// Decides whether a source named in an ingest request lies under one of <see cref="WebHostOptions.AllowedSourceRoots"/>:
/// every component of the path is resolved (symbolic links followed, <c>..</c> and <c>.</c> removed) before the
/// check, so neither <c>root/../../etc</c> nor a link inside a root that leads out of it gets through.
/// </summary>
internal sealed class SourceRoots(IOptions<WebHostOptions> options)
{
    private static readonly char[] Wildcards = ['*', '?', '['];

    /// <summary>Gets the allowed roots: symbolic links inside an ingested folder may lead only into these.</summary>
    public IReadOnlyList<string> Folders => [.. options.Value.AllowedSourceRoots];

    /// <summary>Throws <see cref="ArgumentException"/> naming the source when it is not under an allowed root.</summary>
    public void ThrowIfNotAllowed(IReadOnlyList<string> sources)
    {
        var roots = options.Value.AllowedSourceRoots.Select(r => Resolve(r)).ToList();
        if (roots.Count == 0)
        {
            throw new ArgumentException("Ingest is off: WebHost:AllowedSourceRoots lists no folder this server may read from.", "sources");
        }

        foreach (var source in sources)
        {
            if (string.IsNullOrWhiteSpace(source) || source.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(source))
            {
                throw new ArgumentException($"Source '{source}' is not an absolute path on the server.", "sources");
            }

            // A glob: the folder before the first wildcard must be allowed, and the pattern may not climb out of it.
            var wildcard = source.IndexOfAny(Wildcards);
            var fixedPart = wildcard < 0 ? source : Path.GetDirectoryName(source[..wildcard]) ?? source;
            if (wildcard >= 0 && source[wildcard..].Split('/', '\\').Contains(".."))
            {
                throw new ArgumentException($"Source '{source}' climbs out of its folder with '..' after a wildcard, which could lead outside WebHost:AllowedSourceRoots.", "sources");
            }

            var resolved = Resolve(fixedPart);
            if (!roots.Any(root => IsUnder(resolved, root)))
            {
                throw new ArgumentException(
                    $"Source '{source}' (resolved to '{resolved}') is outside WebHost:AllowedSourceRoots ({string.Join(", ", roots)}).", "sources");
            }
        }
    }

    /// <summary>
    /// The real path, as the operating system would open it: component by component from the root, each link followed
    /// where it stands (so <c>link/..</c> is the parent of the link's target, not the folder holding the link).
    /// </summary>
    internal static string Resolve(string path)
    {
        var pending = new Stack<string>();
        var absolute = Path.IsPathFullyQualified(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
        var current = Path.GetPathRoot(absolute) ?? "/";
        Push(pending, absolute[current.Length..]);
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is { } target)
            {
                if (++links > 40)
                {
                    throw new ArgumentException($"Source '{path}' has too many levels of symbolic links.", "sources");
                }

                // Go on from where the link leads: its target's components come before the rest of the path.
                if (Path.IsPathFullyQualified(target))
                {
                    current = Path.GetPathRoot(target) ?? "/";
                    target = target[current.Length..];
                }

                Push(pending, target);
                continue;
            }

            current = next;
        }

        return current;
    }

    private static void Push(Stack<string> pending, string relative)
    {
        var parts = relative.Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static bool IsUnder(string path, string root) =>
        path.Equals(root, StringComparison.Ordinal) ||
        path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
