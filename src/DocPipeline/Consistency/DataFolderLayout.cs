using DocPipeline.Configuration;
using DocPipeline.Indexing.Keyword;

namespace DocPipeline.Consistency;

/// <summary>Where each embedded store of a data folder lives, as configured.</summary>
internal sealed record DataFolderLayout(
    string DataDirectory, string JobsPath, string FingerprintsPath, string RegistryPath, string VectorDirectory, string KeywordDirectory, string BackupDirectory)
{
    /// <summary>Gets the folder of temporary files (sorted runs of a verify), under the data directory.</summary>
    public string TemporaryDirectory => Path.Combine(DataDirectory, "tmp");

    /// <summary>The layout of a backup copy (or of a backup being restored) in <paramref name="root"/>.</summary>
    public static DataFolderLayout ForCopy(string root) => new(
        root,
        Path.Combine(root, BackupLayout.EntryOf(BackupLayout.Jobs)),
        Path.Combine(root, BackupLayout.EntryOf(BackupLayout.Fingerprints)),
        Path.Combine(root, BackupLayout.EntryOf(BackupLayout.Registry)),
        Path.Combine(root, BackupLayout.EntryOf(BackupLayout.Vector)),
        Path.Combine(root, BackupLayout.EntryOf(BackupLayout.Keyword)),
        Path.Combine(root, "backups"));

    /// <summary>Resolves the paths the way each store does.</summary>
    public static DataFolderLayout From(DocPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DataFolderLayout(
            Path.GetFullPath(options.DataDirectory),
            options.ResolvePath(options.Queue.JobStoragePath, "jobs.db"),
            options.ResolvePath(options.Fingerprint.StoragePath, "fingerprints.db"),
            options.ResolvePath(options.Registry.StoragePath, "registry.db"),
            options.ResolvePath(options.VectorIndex.Path, "vectors"),
            options.ResolvePath(options.KeywordIndex.Path, LuceneKeywordIndexSettings.DefaultFolderName),
            options.ResolvePath(options.IndexManagement.BackupPath, "backups"));
    }
}
