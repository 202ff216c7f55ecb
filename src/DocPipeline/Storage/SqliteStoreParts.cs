using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Storage;

/// <summary>
/// How an embedded SQLite store takes part in backups (an online backup of its file) and in verify
/// (<c>quick_check</c>, or <c>integrity_check</c> when deep). The store in use is resolved only when asked, so a
/// container built to restore a data folder never opens it.
/// </summary>
/// <param name="services">The container, to see which store fills the slot.</param>
/// <param name="databases">The open SQLite files, shared with the store.</param>
/// <param name="options">The options naming the data folder's files.</param>
/// <typeparam name="TContract">The slot the store fills (for example <c>IJobStore</c>).</typeparam>
/// <typeparam name="TStore">The embedded SQLite store; it takes part only while it fills the slot.</typeparam>
internal sealed class SqliteStoreParts<TContract, TStore>(IServiceProvider services, SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options)
    : IStoreBackup, IStoreIntegrity
    where TContract : class
    where TStore : IEmbeddedSqliteStore
{
    private readonly string name = TStore.PartName;
    private readonly string path = DataFolderLayout.From(options.Value).TargetOf(TStore.PartName);
    private readonly string description = TStore.StoreDescription;
    private readonly SqliteSchema schema = TStore.StoreSchema;

    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public bool IsInUse => services.GetService<TContract>() is TStore;

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
