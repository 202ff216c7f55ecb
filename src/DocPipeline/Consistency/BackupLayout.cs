using System.Text.RegularExpressions;

namespace DocPipeline.Consistency;

/// <summary>
/// What a backup may hold, and where each part goes back to: one file per SQLite store, the two files of the vector
/// index, and the Lucene files of one commit. Restore refuses anything else.
/// </summary>
internal static partial class BackupLayout
{
    /// <summary>The manifest's name: the first entry of an archive, a file at the root of a backup folder.</summary>
    public const string ManifestName = "manifest.json";

    /// <summary>The name backups written into a folder start with (followed by the UTC time), which retention and restore look for.</summary>
    public const string NamePrefix = "docpipeline-";

    /// <summary>The archive extension written.</summary>
    public const string ArchiveExtension = ".tar.gz";

    /// <summary>The store names, in the order they are copied (jobs, fingerprints, the registry, then the indexes: see <c>IndexMaintenance.WriteBackupAsync</c>).</summary>
    public static readonly IReadOnlyList<string> StoreOrder = [Jobs, Fingerprints, Registry, Vector, Keyword];

    /// <summary>The job store.</summary>
    public const string Jobs = "jobs";

    /// <summary>The fingerprint store.</summary>
    public const string Fingerprints = "fingerprints";

    /// <summary>The document registry and artifact store.</summary>
    public const string Registry = "registry";

    /// <summary>The embedded vector index.</summary>
    public const string Vector = "vector";

    /// <summary>The Lucene keyword index.</summary>
    public const string Keyword = "keyword";

    /// <summary>Gets the path of a store inside a backup (a file, or a folder for the indexes).</summary>
    public static string EntryOf(string store) => store switch
    {
        Jobs => "jobs.db",
        Fingerprints => "fingerprints.db",
        Registry => "registry.db",
        Vector => "vectors",
        Keyword => "keyword",
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store."),
    };

    /// <summary>Gets whether a store is a folder (the indexes) rather than one file.</summary>
    public static bool IsFolder(string store) => store is Vector or Keyword;

    /// <summary>Gets where a store lives in the data folder.</summary>
    public static string TargetOf(string store, DataFolderLayout layout) => store switch
    {
        Jobs => layout.JobsPath,
        Fingerprints => layout.FingerprintsPath,
        Registry => layout.RegistryPath,
        Vector => layout.VectorDirectory,
        Keyword => layout.KeywordDirectory,
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store."),
    };

    /// <summary>
    /// Says which store a file of a backup belongs to, or <see langword="null"/> when a backup may not hold such a
    /// file. The path must be relative, use <c>/</c>, and hold no empty, <c>.</c> or <c>..</c> segment.
    /// </summary>
    public static string? StoreOfFile(string relativePath)
    {
        var parts = relativePath.Split('/');
        return parts switch
        {
            ["jobs.db"] => Jobs,
            ["fingerprints.db"] => Fingerprints,
            ["registry.db"] => Registry,
            ["vectors", "vectors.db" or "vectors.bin"] => Vector,
            ["keyword", var name] when LuceneFileName().IsMatch(name) => Keyword,
            _ => null,
        };
    }

    /// <summary>Gets whether a path inside a backup is safe to unpack: relative, <c>/</c>-separated, and without <c>..</c>, <c>.</c> or empty segments.</summary>
    public static bool IsSafeRelativePath(string path) =>
        path.Length > 0 &&
        !path.Contains('\\', StringComparison.Ordinal) &&
        !path.Contains('\0', StringComparison.Ordinal) &&
        !Path.IsPathRooted(path) &&
        !path.StartsWith('/') &&
        !path.Contains(':', StringComparison.Ordinal) &&
        path.Split('/').All(part => part.Length > 0 && part is not "." and not "..");

    /// <summary>The files of a Lucene commit: <c>segments_N</c>, <c>segments.gen</c>, and segment files such as <c>_0.cfs</c> or <c>_3_Lucene41_0.tim</c>.</summary>
    [GeneratedRegex("^(segments_[0-9a-z]+|segments\\.gen|_[0-9A-Za-z_]+\\.[0-9A-Za-z]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LuceneFileName();
}
