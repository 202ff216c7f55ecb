using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing;

/// <summary>
/// An embedded index's part in backups, verify and health, and in the startup check of its folder. The index in use
/// is resolved only when asked, so a container built to restore a data folder never opens it.
/// </summary>
/// <typeparam name="TIndex">The embedded index.</typeparam>
internal abstract class EmbeddedIndexParts<TIndex>(IOptions<DocPipelineOptions> options, TimeProvider time, ILogger logger)
    : IStoreBackup, IStoreIntegrity, IStoreHealth, IIndexFolder
    where TIndex : class, ISearchIndex
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public bool IsInUse => Index is not null;

    /// <inheritdoc/>
    public string Location => Folder.Folder!;

    /// <inheritdoc/>
    ISearchIndex IIndexFolder.Index => Index!;

    /// <summary>Gets the index in use, or <see langword="null"/> when the slot holds another index.</summary>
    protected abstract TIndex? Index { get; }

    private FolderIndex Folder => FolderIndex.Of(Index!)!;

    /// <inheritdoc/>
    public ISearchIndex OpenOwnInstance() => Folder.CreateAt(Location, options.Value, time, logger);

    /// <inheritdoc/>
    public Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default) => IndexHealth.CheckFolderAsync(Index!, Location, cancellationToken);

    /// <inheritdoc/>
    public async Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        await CopyToAsync(Index!, destination, cancellationToken).ConfigureAwait(false);
        return StoreBackupPart.Written();
    }

    /// <inheritdoc/>
    public async Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        var index = Index!;

        // An index that cannot be opened is the comparison's finding (its error; repair rebuilds it), not this check's.
        if (await Folder.OpenAsync(cancellationToken).ConfigureAwait(false) is { State: not StoreHealthState.Healthy })
        {
            return null;
        }

        var check = Describe(deep);
        try
        {
            var (error, note) = await CheckAsync(index, deep, cancellationToken).ConfigureAwait(false);
            return new StoreIntegrity { Name = index.Name, Check = check, Error = error, Note = note };
        }
        catch (DocPipelineStorageException ex)
        {
            return new StoreIntegrity { Name = index.Name, Check = check, Error = ex.Message };
        }
    }

    /// <summary>Copies the index files under its lock into the folder <paramref name="destination"/>.</summary>
    protected abstract Task CopyToAsync(TIndex index, string destination, CancellationToken cancellationToken);

    /// <summary>Says what the fast or deep check reads.</summary>
    protected abstract string Describe(bool deep);

    /// <summary>Checks the index files: what is damaged, and something done besides checking.</summary>
    protected abstract Task<(string? Error, string? Note)> CheckAsync(TIndex index, bool deep, CancellationToken cancellationToken);
}
