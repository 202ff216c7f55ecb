using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
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
/// </remarks>
internal sealed class IndexStartupCheck(IServiceProvider services, IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<IndexStartupCheck>? logger = null)
{
    private const string OptionKey = "DocPipeline:IndexManagement:RebuildOnCorruption";
    private readonly SemaphoreSlim _once = new(1, 1);
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private volatile bool _passed;
    private Task? _verify;

    /// <summary>Gets the background verify started by <c>DocPipeline:IndexManagement:ConsistencyChecks</c>, if any (for tests).</summary>
    internal Task? BackgroundVerify => _verify;

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
            if (services.GetRequiredService<IVectorIndex>() is EmbeddedVectorIndex missingVector && !HasFiles(missingVector.DirectoryPath))
            {
                await CheckMissingAsync(missingVector, missingVector.DirectoryPath, cancellationToken).ConfigureAwait(false);
            }

            if (services.GetRequiredService<IKeywordIndex>() is LuceneKeywordIndex { IsInMemory: false } missingKeyword && !HasFiles(missingKeyword.Location))
            {
                await CheckMissingAsync(missingKeyword, missingKeyword.Location, cancellationToken).ConfigureAwait(false);
            }

            if (services.GetRequiredService<IVectorIndex>() is EmbeddedVectorIndex vector && HasFiles(vector.DirectoryPath))
            {
                var own = ownInstances ? new EmbeddedVectorIndex(vector.DirectoryPath, settings.VectorIndex, time, _logger, settings.ReadOnly) : null;
                try
                {
                    await CheckAsync(own ?? vector, vector.DirectoryPath, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (own is not null)
                    {
                        await own.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }

            if (services.GetRequiredService<IKeywordIndex>() is LuceneKeywordIndex { IsInMemory: false } keyword && HasFiles(keyword.Location))
            {
                using var own = ownInstances
                    ? new LuceneKeywordIndex(new LuceneKeywordIndexSettings(keyword.Location, settings.KeywordIndex.RefreshInterval, settings.KeywordIndex.RamBufferSizeMB) { ReadOnly = settings.ReadOnly }, time, _logger)
                    : null;
                await CheckAsync(own ?? keyword, keyword.Location, cancellationToken).ConfigureAwait(false);
            }

            _passed = true;
            if (settings.IndexManagement.ConsistencyChecks)
            {
                _verify = VerifyInBackgroundAsync();
            }
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task CheckAsync(ISearchIndex index, string location, CancellationToken cancellationToken)
    {
        var (state, error) = await IndexHealth.CheckAsync(index, cancellationToken).ConfigureAwait(false);
        switch (state)
        {
            case IndexState.InUse:
                ConsistencyLog.InUseAtStartup(_logger, index.Name, error!);
                return;
            // A read-only pipeline rebuilds nothing: the writing process does.
            case IndexState.Damaged when options.Value.IndexManagement.RebuildOnCorruption && !options.Value.ReadOnly:
                ConsistencyLog.RebuildingDamaged(_logger, index.Name, error!);
                var maintenance = services.GetRequiredService<IndexMaintenance>();
                await maintenance.RebuildDamagedAsync(index, cancellationToken).ConfigureAwait(false);
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
        var documents = (await services.GetRequiredService<IDocumentRegistry>().GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Documents;
        if (documents == 0)
        {
            return;
        }

        var error = $"The {index.Name} index at '{location}' is missing (the folder holds no index files) while the registry holds {documents} documents.";
        if (options.Value.IndexManagement.RebuildOnCorruption && !options.Value.ReadOnly)
        {
            ConsistencyLog.RebuildingDamaged(_logger, index.Name, error);
            await services.GetRequiredService<IndexMaintenance>().RebuildDamagedAsync(index, cancellationToken).ConfigureAwait(false);
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
            await services.GetRequiredService<IIndexMaintenance>().VerifyAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            ConsistencyLog.StartupVerifyFailed(_logger, ex);
        }
    }

    /// <summary>Whether the index folder holds files, or a finished rebuild beside it will fill it when the index opens (a swap cut short by a crash).</summary>
    private static bool HasFiles(string directory) =>
        (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()) || RebuildStaging.AnyFinishedBeside(directory);
}
