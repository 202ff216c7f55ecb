using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Consistency;

/// <content>Verify with the integrity checks of each store.</content>
internal sealed partial class IndexMaintenance
{
    public async Task<ConsistencyReport> VerifyAsync(VerifyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registry = Registry;
            var indexes = Indexes;
            var checkedAt = _time.GetUtcNow();
            var started = _time.GetTimestamp();

            // The store checks read other files (or other pages) than the comparison, so both run at once.
            var checking = CheckStoresAsync(indexes, options.Deep, cancellationToken);
            var comparing = WithCheckerAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken));
            await Task.WhenAll(checking, comparing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var stores = await checking.ConfigureAwait(false);
            ConsistencyReport report;
            if (comparing.Exception?.InnerException is { } ex and not OperationCanceledException && stores.Values.Any(s => !s.IsIntact))
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

            return report with { Stores = stores, Deep = options.Deep, Duration = _time.GetElapsedTime(started) };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Checks the integrity of each embedded store in use, fast or deep, and logs the damaged ones.</summary>
    private async Task<IReadOnlyDictionary<string, StoreIntegrity>> CheckStoresAsync(IReadOnlyList<ISearchIndex> indexes, bool deep, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, StoreIntegrity>(StringComparer.Ordinal);
        var sqliteCheck = deep ? "integrity_check" : "quick_check";
        var databases = _services.GetRequiredService<SqliteDatabaseProvider>();
        var files = new List<(string Name, string Path, string Description, SqliteSchema Schema)>();
        if (_services.GetService<IDocumentRegistry>() is SqliteDocumentRegistry)
        {
            files.Add((BackupLayout.Registry, Layout.RegistryPath, "document registry", SqliteDocumentRegistry.Schema));
        }

        if (_services.GetService<IJobStore>() is SqliteJobStore)
        {
            files.Add((BackupLayout.Jobs, Layout.JobsPath, SqliteJobStore.Description, SqliteJobStore.Schema));
        }

        if (_services.GetService<IFingerprintStore>() is SqliteFingerprintStore)
        {
            files.Add((BackupLayout.Fingerprints, Layout.FingerprintsPath, SqliteFingerprintStore.Description, SqliteFingerprintStore.Schema));
        }

        foreach (var (name, path, description, schema) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? error;
            try
            {
                error = await Task.Run(() => databases.Open(path, description, schema).CheckIntegrity(deep), cancellationToken).ConfigureAwait(false);
            }
            catch (DocPipelineStorageException ex)
            {
                error = ex.Message;
            }

            results[name] = new StoreIntegrity { Name = name, Check = sqliteCheck, Error = error };
        }

        foreach (var index in indexes)
        {
            // An index that cannot be opened is the comparison's finding (its error; repair rebuilds it), not this check's.
            if (index is EmbeddedVectorIndex or LuceneKeywordIndex && (await IndexHealth.CheckAsync(index, cancellationToken).ConfigureAwait(false)).State != IndexState.Healthy)
            {
                continue;
            }

            var result = index switch
            {
                EmbeddedVectorIndex vector => await CheckVectorAsync(vector, deep, sqliteCheck, cancellationToken).ConfigureAwait(false),
                LuceneKeywordIndex keyword => await CheckKeywordAsync(keyword, deep, cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            if (result is not null)
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

    private static async Task<StoreIntegrity> CheckVectorAsync(EmbeddedVectorIndex vector, bool deep, string sqliteCheck, CancellationToken cancellationToken)
    {
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

    private static async Task<StoreIntegrity> CheckKeywordAsync(LuceneKeywordIndex keyword, bool deep, CancellationToken cancellationToken)
    {
        var check = deep ? "CheckIndex, every file against its checksum" : "the last commit's files present and whole";
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
