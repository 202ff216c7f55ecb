using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using DocPipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The embedded vector index's part in backups (its two files, copied under its lock) and in verify (the catalog's
/// SQLite check and every vector: a unit vector, or when deep its checksum). The index in use is resolved only when
/// asked, so a container built to restore a data folder never opens it.
/// </summary>
internal sealed class EmbeddedVectorIndexParts(IServiceProvider services, IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<EmbeddedVectorIndex>? logger = null)
    : IStoreBackup, IStoreIntegrity, IStoreHealth, IIndexFolder
{
    /// <inheritdoc/>
    public string Name => DataFolderLayout.Vector;

    /// <inheritdoc/>
    public bool IsInUse => Index is not null;

    /// <inheritdoc/>
    public string Location => Index!.DirectoryPath;

    /// <inheritdoc/>
    ISearchIndex IIndexFolder.Index => Index!;

    private EmbeddedVectorIndex? Index => services.GetService<IVectorIndex>() as EmbeddedVectorIndex;

    /// <inheritdoc/>
    public ISearchIndex OpenOwnInstance() => new EmbeddedVectorFolder(Index!).CreateAt(Location, options.Value, time, logger ?? (ILogger)NullLogger.Instance);

    /// <inheritdoc/>
    public Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default) => IndexHealth.CheckFolderAsync(Index!, Index!.DirectoryPath, cancellationToken);

    /// <inheritdoc/>
    public async Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        await Index!.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return StoreBackupPart.Written();
    }

    /// <inheritdoc/>
    public async Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        var vector = Index!;

        // An index that cannot be opened is the comparison's finding (its error; repair rebuilds it), not this check's.
        if (await vector.TryOpenAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var sqliteCheck = deep ? "integrity_check" : "quick_check";
        var check = deep ? $"catalog {sqliteCheck}, every vector against its checksum" : $"catalog {sqliteCheck}, every vector a unit vector";
        try
        {
            var (_, added, problems) = await vector.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false);
            return new StoreIntegrity
            {
                Name = vector.Name,
                Check = check,
                Error = problems.Count == 0 ? null : string.Join(" ", problems),
                Note = added == 0 ? null : $"recorded the checksums of {added} vectors stored before checksums existed",
            };
        }
        catch (DocPipelineStorageException ex)
        {
            return new StoreIntegrity { Name = vector.Name, Check = check, Error = ex.Message };
        }
    }
}
