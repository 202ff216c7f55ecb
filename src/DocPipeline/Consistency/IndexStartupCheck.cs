using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>
/// The startup check of the embedded indexes (<c>DocPipeline:IndexManagement:RebuildOnCorruption</c>): each index
/// folder is opened once; one that cannot be opened (damaged or missing files) is rebuilt from the registry when the
/// option is on, and otherwise stops the pipeline with a message naming the index, the file and the option.
/// </summary>
/// <remarks>
/// <para>It runs once: from a hosted service when a host starts, or on the first ingest, resume or search of a
/// pipeline used without a host. A failure is not remembered, so a fixed folder passes on the next attempt.</para>
/// <para>At host start the check opens its own instance of each index and closes it again, so it never keeps a
/// folder locked: a host that only enqueues (a web front end) does not take the indexes from the worker process that
/// writes them. Before a first ingest or search the container's own indexes are checked, since they are about to be
/// opened anyway. A folder held by another process is that process's to check, and is skipped.</para>
/// <para>Each index is checked as cheaply as it allows (<see cref="Indexing.FolderIndex.ProbeAsync"/>): the vector
/// index checks its catalog's ends and its vector file and loads its entries only for the first search or write,
/// so a run that changes nothing never loads them.</para>
/// </remarks>
internal sealed class IndexStartupCheck(
    IEnumerable<IIndexFolder> indexFolders,
    IEnumerable<IStoreHealth> stores,
    Deferred<IDocumentRegistry> registry,
    Deferred<RebuildOperation> rebuild,
    Deferred<IIndexMaintenance> maintenance,
    IOptions<DocPipelineOptions> options,
    ILogger<IndexStartupCheck>? logger = null)
{
    private const string OptionKey = "DocPipeline:IndexManagement:RebuildOnCorruption";
    private readonly SemaphoreSlim _once = new(1, 1);
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private volatile bool _passed;

    /// <summary>Runs the check unless it already passed.</summary>
    /// <param name="ownInstances">
    /// <see langword="true"/> to check with instances opened for the check and closed after it (nothing stays
    /// locked); <see langword="false"/> to check (and open) the container's indexes, for a caller about to use them.
    /// </param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <exception cref="DocPipelineStorageException">An index cannot be opened and is not rebuilt.</exception>
    public async Task EnsureAsync(bool ownInstances, CancellationToken cancellationToken)
    {
        if (_passed)
        {
            return;
        }

        await _once.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_passed)
            {
                return;
            }

            var settings = options.Value;
            var folders = indexFolders.Where(f => f.IsInUse).OrderBy(f => DataFolderLayout.CheckOrder(f.Name)).ToList();
            foreach (var folder in folders.Where(f => !IIndexFolder.HasFiles(f.Location)))
            {
                await CheckMissingAsync(folder.Index, folder.Location, cancellationToken).ConfigureAwait(false);
            }

            foreach (var folder in folders.Where(f => IIndexFolder.HasFiles(f.Location)))
            {
                var own = ownInstances ? folder.OpenOwnInstance() : null;
                try
                {
                    await CheckAsync(own ?? folder.Index, folder.Location, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (own is not null)
                    {
                        await StagedRebuild.CloseAsync(own).ConfigureAwait(false);
                    }
                }
            }

            // Every other store that says whether it can be used (a third-party or remote store).
            var names = folders.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var store in stores.Where(s => s.IsInUse && !names.Contains(s.Name)))
            {
                await CheckStoreAsync(store, cancellationToken).ConfigureAwait(false);
            }

            _passed = true;
            if (settings.IndexManagement.ConsistencyChecks)
            {
                // Runs on its own and reports through the log (event 5100, or 5112 when it cannot run).
                _ = VerifyInBackgroundAsync();
            }
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task CheckAsync(ISearchIndex index, string location, CancellationToken cancellationToken)
    {
        var (state, error) = await IndexHealth.CheckAsync(index, cancellationToken, probe: true).ConfigureAwait(false);
        switch (state)
        {
            case IndexState.InUse:
                ConsistencyLog.InUseAtStartup(_logger, index.Name, error!);
                return;
            // A read-only pipeline rebuilds nothing: the writing process does.
            case IndexState.Damaged when options.Value.IndexManagement.RebuildOnCorruption && !options.Value.ReadOnly:
                ConsistencyLog.RebuildingDamaged(_logger, index.Name, error!);
                await rebuild.Value.RebuildDamagedAsync(index, cancellationToken).ConfigureAwait(false);
                return;
            case IndexState.Damaged:
                ConsistencyLog.DamagedNotRebuilt(_logger, index.Name, error!);
                throw new DocPipelineStorageException(
                    $"The {index.Name} index at '{location}' cannot be opened: {error} " +
                    $"Set {OptionKey} to true to rebuild it from the registry when the pipeline starts (no re-embedding; the damaged files are moved aside), " +
                    $"or rebuild it now with 'docpipe manage --rebuild-index {index.Name}'.");
        }
    }

    /// <summary>
    /// An index folder without index files beside a registry that holds documents was lost (deleted, or a volume not
    /// mounted): opening it would create it empty and searches would quietly find nothing. It is rebuilt when the
    /// option is on, and otherwise refused with the way back.
    /// </summary>
    private async Task CheckMissingAsync(ISearchIndex index, string location, CancellationToken cancellationToken)
    {
        var documents = await DocumentsAsync(cancellationToken).ConfigureAwait(false);
        if (documents == 0)
        {
            return;
        }

        var error = $"The {index.Name} index at '{location}' is missing (the folder holds no index files) while the registry holds {documents} documents.";
        if (options.Value.IndexManagement.RebuildOnCorruption && !options.Value.ReadOnly)
        {
            ConsistencyLog.RebuildingDamaged(_logger, index.Name, error);
            await rebuild.Value.RebuildDamagedAsync(index, cancellationToken).ConfigureAwait(false);
            return;
        }

        ConsistencyLog.DamagedNotRebuilt(_logger, index.Name, error);
        throw new DocPipelineStorageException(
            error + " It was not created empty in its place: searches would find nothing there. " +
            $"Rebuild it from the registry with 'docpipe manage --rebuild-index {index.Name}' (no re-embedding), " +
            "restore the data folder from a backup ('docpipe manage --restore <backup>'), " +
            $"or set {OptionKey} to true to rebuild it when the pipeline starts.");
    }

    private async Task VerifyInBackgroundAsync()
    {
        try
        {
            // The report is logged by the maintenance service; the check never stops the pipeline.
            await maintenance.Value.VerifyAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            ConsistencyLog.StartupVerifyFailed(_logger, ex);
        }
    }

    /// <summary>
    /// A store that cannot be used while the registry holds documents stops the pipeline (it would start empty, or
    /// fail every job); one another process holds, or one that cannot be reached now, is logged.
    /// </summary>
    private async Task CheckStoreAsync(IStoreHealth store, CancellationToken cancellationToken)
    {
        var health = await store.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        switch (health.State)
        {
            case StoreHealthState.Healthy:
                return;
            case StoreHealthState.InUse or StoreHealthState.Unavailable:
                ConsistencyLog.StoreNotCheckedAtStartup(_logger, store.Name, health.State.ToString(), health.Reason ?? "no reason given");
                return;
            case StoreHealthState.Missing:
                var documents = await DocumentsAsync(cancellationToken).ConfigureAwait(false);
                if (documents == 0)
                {
                    return;
                }

                var missing = $"{health.Reason} The registry holds {documents} documents.";
                ConsistencyLog.DamagedNotRebuilt(_logger, store.Name, missing);
                throw new DocPipelineStorageException(
                    missing + " It was not created empty in its place. Restore the data folder and that store from a backup ('docpipe manage --restore <backup>').");
            case StoreHealthState.Damaged:
                ConsistencyLog.DamagedNotRebuilt(_logger, store.Name, health.Reason ?? "damaged");
                throw new DocPipelineStorageException(
                    $"The {store.Name} store cannot be used: {health.Reason} Restore it from a backup ('docpipe manage --restore <backup>').");
        }
    }

    private async Task<long> DocumentsAsync(CancellationToken cancellationToken) =>
        (await registry.Value.GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Documents;
}
