using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using DocPipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// The on-disk Lucene index's part in backups (a snapshot of its last commit) and in verify (the commit's files
/// present and whole, or when deep Lucene's CheckIndex). An index kept in memory takes no part. The index in use is
/// resolved only when asked, so a container built to restore a data folder never opens it.
/// </summary>
internal sealed class LuceneKeywordIndexParts(IServiceProvider services, IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<LuceneKeywordIndex>? logger = null)
    : IStoreBackup, IStoreIntegrity, IStoreHealth, IIndexFolder
{
    /// <inheritdoc/>
    public string Name => DataFolderLayout.Keyword;

    /// <inheritdoc/>
    public bool IsInUse => Index is not null;

    /// <inheritdoc/>
    public string Location => Index!.Location;

    /// <inheritdoc/>
    ISearchIndex IIndexFolder.Index => Index!;

    /// <inheritdoc/>
    public ISearchIndex OpenOwnInstance() => new LuceneKeywordFolder(Index!).CreateAt(Location, options.Value, time, logger ?? (ILogger)NullLogger.Instance);

    /// <inheritdoc/>
    public Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default) => IndexHealth.CheckFolderAsync(Index!, Location, cancellationToken);

    private LuceneKeywordIndex? Index => services.GetService<IKeywordIndex>() as LuceneKeywordIndex is { IsInMemory: false } index ? index : null;

    /// <inheritdoc/>
    public async Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        await Index!.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return StoreBackupPart.Written();
    }

    /// <inheritdoc/>
    public async Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        var keyword = Index!;
        var check = deep ? "CheckIndex, every file against its checksum" : "the last commit's files present and whole";
        try
        {
            // An index that cannot be opened is the comparison's finding (its error; repair rebuilds it), not this check's.
            keyword.OpenOrReport();
        }
        catch (DocPipelineStorageException)
        {
            return null;
        }

        try
        {
            return new StoreIntegrity { Name = keyword.Name, Check = check, Error = await keyword.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false) };
        }
        catch (DocPipelineStorageException ex)
        {
            return new StoreIntegrity { Name = keyword.Name, Check = check, Error = ex.Message };
        }
    }
}
