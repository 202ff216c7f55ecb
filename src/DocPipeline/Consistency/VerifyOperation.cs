using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using DocPipeline.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DocPipeline.Consistency;

/// <summary>
/// Verify: compares the registry with each index, and runs the integrity check of every store in use that takes part
/// in verify (<see cref="IStoreIntegrity"/>), both at once.
/// </summary>
internal sealed class VerifyOperation(
    IDocumentRegistry registry,
    IVectorIndex vector,
    IKeywordIndex keyword,
    IEnumerable<IStoreIntegrity> stores,
    CheckerRunner checker,
    MaintenanceGate gate,
    TimeProvider time,
    ILogger<VerifyOperation>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>See <see cref="IIndexMaintenance.VerifyAsync(VerifyOptions, CancellationToken)"/>.</summary>
    public Task<ConsistencyReport> VerifyAsync(VerifyOptions options, CancellationToken cancellationToken)
    {
        return gate.RunAsync(() => VerifyCoreAsync(options, cancellationToken), cancellationToken);
    }

    private async Task<ConsistencyReport> VerifyCoreAsync(VerifyOptions options, CancellationToken cancellationToken)
    {
        ISearchIndex[] indexes = [vector, keyword];
        var checkedAt = time.GetUtcNow();
        var started = time.GetTimestamp();

        // The store checks read other files (or other pages) than the comparison, so both run at once.
        var checking = CheckStoresAsync(options.Deep, cancellationToken);
        var comparing = checker.VerifyAsync(registry, indexes, cancellationToken);
        await Task.WhenAll(checking, comparing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var results = await checking.ConfigureAwait(false);
        ConsistencyReport report;
        if (comparing.Exception?.InnerException is { } ex and not OperationCanceledException && results.Values.Any(s => !s.IsIntact))
        {
            // A damaged store can fail the comparison itself (a garbled Lucene file can throw anything); the report
            // still says which store is damaged.
            report = new ConsistencyReport
            {
                Indexes = indexes.ToDictionary(
                    i => i.Name,
                    i => new IndexConsistency { Name = i.Name, Error = $"not compared with the registry: {(ex is DocPipelineStorageException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}")}" },
                    StringComparer.Ordinal),
                CheckedAt = checkedAt,
            };
        }
        else
        {
            report = await comparing.ConfigureAwait(false);
        }

        return report with { Stores = results, Deep = options.Deep, Duration = time.GetElapsedTime(started) };
    }

    /// <summary>Checks the integrity of each store in use, fast or deep, one after the other, and logs the damaged ones.</summary>
    private async Task<IReadOnlyDictionary<string, StoreIntegrity>> CheckStoresAsync(bool deep, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var results = new Dictionary<string, StoreIntegrity>(StringComparer.Ordinal);
        // The registry first, the source of truth; then the other stores in the order a backup copies them.
        foreach (var store in stores.Where(s => s.IsInUse).OrderBy(s => s.Name == DataFolderLayout.Registry ? -1 : DataFolderLayout.CheckOrder(s.Name)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await store.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false) is { } result)
            {
                results[result.Name] = result;
            }
        }

        foreach (var damaged in results.Values.Where(r => !r.IsIntact))
        {
            ConsistencyLog.StoreDamaged(_logger, damaged.Name, damaged.Check, damaged.Error!);
        }

        return results;
    }
}
