using DocPipeline.Maintenance;

namespace DocPipeline.Consistency;

/// <summary>The parts a backup writes, in the order it writes them, and the parts it leaves out (with the reason).</summary>
internal sealed class BackupSources
{
    public List<BackupPartSource> Parts { get; init; } = [];

    public List<string> Skipped { get; init; } = [];
}

/// <summary>One part of a backup: its name and how it writes its snapshot to a destination path.</summary>
/// <param name="Name">The part name (see <see cref="DataFolderLayout"/>).</param>
/// <param name="WriteAsync">Writes the snapshot to the destination path.</param>
internal sealed record BackupPartSource(string Name, Func<string, CancellationToken, Task<StoreBackupPart>> WriteAsync)
{
    /// <summary>A part written by a store that takes part in backups.</summary>
    public static BackupPartSource Of(IStoreBackup store) => new(store.Name, store.BackupAsync);
}
