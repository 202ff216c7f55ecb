using System.Text.RegularExpressions;
using DocPipeline.Indexing.Vector;

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

    /// <summary>Gets the path of a store inside a backup (a file, or a folder for the indexes).</summary>
    public static string EntryOf(string store) => store switch
    {
        DataFolderLayout.Jobs => DataFolderLayout.JobsFileName,
        DataFolderLayout.Fingerprints => DataFolderLayout.FingerprintsFileName,
        DataFolderLayout.Registry => DataFolderLayout.RegistryFileName,
        DataFolderLayout.Vector => DataFolderLayout.VectorFolderName,
        DataFolderLayout.Keyword => DataFolderLayout.KeywordFolderName,
        _ when DataFolderLayout.IsValidPartName(store) => DataFolderLayout.PartsFolderName + "/" + store,
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store."),
    };

    /// <summary>Gets whether a store is a folder (the indexes) rather than one file.</summary>
    public static bool IsFolder(string store) => store is DataFolderLayout.Vector or DataFolderLayout.Keyword;

    /// <summary>Gets whether a backup may hold the folder <paramref name="relativePath"/>: an index folder, or the parts of stores outside the data folder.</summary>
    public static bool MayHoldFolder(string relativePath) => relativePath.Split('/') switch
    {
        [DataFolderLayout.VectorFolderName] or [DataFolderLayout.KeywordFolderName] or [DataFolderLayout.PartsFolderName] => true,
        [DataFolderLayout.PartsFolderName, var part, ..] => DataFolderLayout.IsValidPartName(part) && !DataFolderLayout.IsDataFolderPart(part),
        _ => false,
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
            [DataFolderLayout.JobsFileName] => DataFolderLayout.Jobs,
            [DataFolderLayout.FingerprintsFileName] => DataFolderLayout.Fingerprints,
            [DataFolderLayout.RegistryFileName] => DataFolderLayout.Registry,
            [DataFolderLayout.VectorFolderName, VectorStore.CatalogFileName or VectorStore.VectorFileName] => DataFolderLayout.Vector,
            [DataFolderLayout.KeywordFolderName, var name] when LuceneFileName().IsMatch(name) => DataFolderLayout.Keyword,
            [DataFolderLayout.PartsFolderName, var part, ..] when DataFolderLayout.IsValidPartName(part) && !DataFolderLayout.IsDataFolderPart(part) => part,
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
