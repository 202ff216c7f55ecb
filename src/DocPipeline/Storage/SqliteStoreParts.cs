using DocPipeline.Consistency;
using DocPipeline.Maintenance;

namespace DocPipeline.Storage;

/// <summary>
/// How an embedded SQLite store takes part in backups (an online backup of its file) and in verify
/// (<c>quick_check</c>, or <c>integrity_check</c> when deep). The store in use is resolved only when asked, so a
/// container built to restore a data folder never opens it.
/// </summary>
/// <param name="databases">The open SQLite files, shared with the store.</param>
/// <param name="name">The part name (see <see cref="DataFolderLayout"/>).</param>
/// <param name="path">The file.</param>
/// <param name="description">What the file holds, in messages.</param>
/// <param name="schema">The store's schema.</param>
internal abstract class SqliteStoreParts(SqliteDatabaseProvider databases, string name, string path, string description, SqliteSchema schema)
    : IStoreBackup, IStoreIntegrity
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public abstract bool IsInUse { get; }

    /// <inheritdoc/>
    public async Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        await databases.Open(path, description, schema).BackupToAsync(destination, cancellationToken).ConfigureAwait(false);
        return StoreBackupPart.Written();
    }

    /// <inheritdoc/>
    public async Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        string? error;
        try
        {
            error = await Task.Run(() => databases.Open(path, description, schema).CheckIntegrity(deep), cancellationToken).ConfigureAwait(false);
        }
        catch (DocPipelineStorageException ex)
        {
            error = ex.Message;
        }

        return new StoreIntegrity { Name = name, Check = deep ? "integrity_check" : "quick_check", Error = error };
    }
}
