using System.Collections.Immutable;
using System.Text.RegularExpressions;
using DocPipeline.Configuration;

namespace DocPipeline.Consistency;

/// <summary>
/// Where each embedded store of a data folder lives, as configured, and the one place that names the files and folders
/// of a data folder and of a backup: every other type asks it.
/// </summary>
internal sealed partial record DataFolderLayout(
    string DataDirectory, string JobsPath, string FingerprintsPath, string RegistryPath, string VectorDirectory, string KeywordDirectory, string BackupDirectory)
{
    /// <summary>The part name of the job store (in backups, reports and verify).</summary>
    public const string Jobs = "jobs";

    /// <summary>The part name of the fingerprint store.</summary>
    public const string Fingerprints = "fingerprints";

    /// <summary>The part name of the document registry and artifact store.</summary>
    public const string Registry = "registry";

    /// <summary>The part name of the vector index.</summary>
    public const string Vector = "vector";

    /// <summary>The part name of the keyword index.</summary>
    public const string Keyword = "keyword";

    /// <summary>The job store's file under the data directory unless configured.</summary>
    public const string JobsFileName = "jobs.db";

    /// <summary>The fingerprint store's file under the data directory unless configured.</summary>
    public const string FingerprintsFileName = "fingerprints.db";

    /// <summary>The registry's file under the data directory unless configured.</summary>
    public const string RegistryFileName = "registry.db";

    /// <summary>The embedded vector index's folder under the data directory unless configured.</summary>
    public const string VectorFolderName = "vectors";

    /// <summary>The Lucene index's folder under the data directory unless configured.</summary>
    public const string KeywordFolderName = "keyword";

    /// <summary>The backup folder under the data directory unless configured.</summary>
    public const string BackupFolderName = "backups";

    /// <summary>The folder of temporary files under the data directory.</summary>
    public const string TemporaryFolderName = "tmp";

    /// <summary>The folder of a backup that holds the parts of stores outside the data folder, one folder or file per part.</summary>
    public const string PartsFolderName = "parts";

    /// <summary>What a store rebuilt beside the live one is named after (<c>&lt;store&gt;.rebuild-&lt;id&gt;</c>) until it is swapped in.</summary>
    public const string RebuildInfix = ".rebuild-";

    /// <summary>What a registry file replaced by a registry rebuild is named after (<c>registry.db.replaced-&lt;time&gt;</c>).</summary>
    public const string ReplacedInfix = ".replaced-";

    /// <summary>What damaged index files moved aside are named after (<c>&lt;file or folder&gt;.damaged-&lt;time&gt;</c>).</summary>
    public const string DamagedInfix = ".damaged-";

    /// <summary>What a restore unpacks a store to before it swaps it in (<c>&lt;store&gt;.restore-&lt;id&gt;</c>).</summary>
    public const string RestoreStagedInfix = ".restore-";

    /// <summary>What a restore renames a replaced store to until it deletes it (<c>&lt;store&gt;.pre-restore-&lt;id&gt;</c>).</summary>
    public const string RestoreAsideInfix = ".pre-restore-";

    /// <summary>The start of the marker a restore writes into the data folder while it swaps stores (<c>restore-&lt;id&gt;.swapping</c>).</summary>
    public const string RestoreMarkerPrefix = "restore-";

    /// <summary>The end of the marker a restore writes into the data folder while it swaps stores.</summary>
    public const string RestoreMarkerSuffix = ".swapping";

    /// <summary>The data folder's writer lock: held by the one process that writes the folder's embedded indexes.</summary>
    public const string WriterLockFileName = "writer.lock";

    /// <summary>The file beside <see cref="WriterLockFileName"/> that says who holds it (pid, host, since when).</summary>
    public const string WriterOwnerFileName = "writer.json";

    /// <summary>The embedded vector index's own lock file, in its folder.</summary>
    public const string VectorLockFileName = "vectors.lock";

    /// <summary>The parts of the data folder, in the order a backup copies them (jobs, fingerprints, the registry, then the indexes).</summary>
    public static readonly ImmutableArray<string> StoreOrder = [Jobs, Fingerprints, Registry, Vector, Keyword];

    /// <summary>
    /// Gets where a part comes in the order parts are copied and checked: the stores of the data folder as
    /// <see cref="StoreOrder"/> lists them, any other part after the registry and before the indexes.
    /// </summary>
    public static double CheckOrder(string part) => StoreOrder.IndexOf(part) is var i and >= 0 ? i : StoreOrder.IndexOf(Registry) + 0.5;

    /// <summary>Gets the folder of temporary files (sorted runs of a verify), under the data directory.</summary>
    public string TemporaryDirectory => Path.Combine(DataDirectory, TemporaryFolderName);

    /// <summary>Gets the name of a store being rebuilt beside <paramref name="path"/>.</summary>
    public static string RebuildOf(string path, string id) => path + RebuildInfix + id;

    /// <summary>Gets the name a registry file replaced by a registry rebuild is moved to.</summary>
    public static string ReplacedOf(string path, string stamp) => path + ReplacedInfix + stamp;

    /// <summary>Gets whether <paramref name="part"/> is a store of the data folder (rather than a part of a store elsewhere).</summary>
    public static bool IsDataFolderPart(string part) => StoreOrder.Contains(part, StringComparer.Ordinal);

    /// <summary>Gets whether <paramref name="part"/> can name a part of a store outside the data folder: lower-case letters, digits and <c>-</c>.</summary>
    public static bool IsValidPartName(string part) => PartName().IsMatch(part);

    /// <summary>Gets where a store of the data folder lives.</summary>
    public string TargetOf(string store) => store switch
    {
        Jobs => JobsPath,
        Fingerprints => FingerprintsPath,
        Registry => RegistryPath,
        Vector => VectorDirectory,
        Keyword => KeywordDirectory,
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store."),
    };

    /// <summary>The layout of a backup copy (or of a backup being restored) in <paramref name="root"/>.</summary>
    public static DataFolderLayout ForCopy(string root) => new(
        root,
        Path.Combine(root, JobsFileName),
        Path.Combine(root, FingerprintsFileName),
        Path.Combine(root, RegistryFileName),
        Path.Combine(root, VectorFolderName),
        Path.Combine(root, KeywordFolderName),
        Path.Combine(root, BackupFolderName));

    /// <summary>Resolves the paths the way each store does.</summary>
    public static DataFolderLayout From(DocPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DataFolderLayout(
            Path.GetFullPath(options.DataDirectory),
            options.ResolvePath(options.Queue.JobStoragePath, JobsFileName),
            options.ResolvePath(options.Fingerprint.StoragePath, FingerprintsFileName),
            options.ResolvePath(options.Registry.StoragePath, RegistryFileName),
            options.ResolvePath(options.VectorIndex.Path, VectorFolderName),
            options.ResolvePath(options.KeywordIndex.Path, KeywordFolderName),
            options.ResolvePath(options.IndexManagement.BackupPath, BackupFolderName));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex PartName();
}
