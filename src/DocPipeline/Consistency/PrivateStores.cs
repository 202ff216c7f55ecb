using DocPipeline.Configuration;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Jobs;
using DocPipeline.Maintenance;
using DocPipeline.Registry;
using DocPipeline.Storage;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Consistency;

/// <summary>
/// Embedded stores opened over explicit paths, outside the container: the copy a backup reconciles, or the live
/// data folder a restore backs up before replacing it. Disposing closes them and releases their locks.
/// </summary>
internal sealed class PrivateStores : IAsyncDisposable
{
    private PrivateStores()
    {
    }

    public SqliteDatabase? JobsDatabase { get; private set; }

    public SqliteDatabase? FingerprintsDatabase { get; private set; }

    public SqliteDatabase? RegistryDatabase { get; private set; }

    public SqliteDocumentRegistry? Registry { get; private set; }

    public EmbeddedVectorIndex? Vector { get; private set; }

    public LuceneKeywordIndex? Keyword { get; private set; }

    /// <summary>Gets the indexes opened, vector first.</summary>
    public IReadOnlyList<ISearchIndex> Indexes => new ISearchIndex?[] { Vector, Keyword }.OfType<ISearchIndex>().ToList();

    /// <summary>
    /// Opens the stores of <paramref name="layout"/> that exist on disk (nothing is created): SQLite files, and index
    /// folders that hold files. The indexes open on first use.
    /// </summary>
    public static PrivateStores OpenExisting(DataFolderLayout layout, DocPipelineOptions options, TimeProvider time, ILogger logger)
    {
        var stores = new PrivateStores();
        try
        {
            if (File.Exists(layout.JobsPath))
            {
                stores.JobsDatabase = SqliteDatabase.Open(layout.JobsPath, SqliteJobStore.Description, SqliteJobStore.Schema);
            }

            if (File.Exists(layout.FingerprintsPath))
            {
                stores.FingerprintsDatabase = SqliteDatabase.Open(layout.FingerprintsPath, SqliteFingerprintStore.Description, SqliteFingerprintStore.Schema);
            }

            if (File.Exists(layout.RegistryPath))
            {
                stores.RegistryDatabase = SqliteDatabase.Open(layout.RegistryPath, SqliteDocumentRegistry.Description, SqliteDocumentRegistry.Schema);
                stores.Registry = new SqliteDocumentRegistry(stores.RegistryDatabase, time);
            }

            if (HasFiles(layout.VectorDirectory))
            {
                stores.Vector = new EmbeddedVectorIndex(layout.VectorDirectory, options.VectorIndex, time, logger);
            }

            if (HasFiles(layout.KeywordDirectory))
            {
                stores.Keyword = new LuceneKeywordIndex(
                    new LuceneKeywordIndexSettings(layout.KeywordDirectory, options.KeywordIndex.RefreshInterval, options.KeywordIndex.RamBufferSizeMB), time, logger);
            }

            return stores;
        }
        catch
        {
            // Nothing was opened by the indexes yet: their synchronous disposal has nothing to wait for.
            stores.Keyword?.Dispose();
            stores.Vector?.Dispose();
            stores.CloseDatabases();
            throw;
        }
    }

    /// <summary>Gets the stores as the parts of a backup; indexes that cannot be opened are left out with the reason when <paramref name="skipDamaged"/>.</summary>
    public async Task<BackupSources> ToBackupSourcesAsync(bool skipDamaged, CancellationToken cancellationToken)
    {
        if (RegistryDatabase is null)
        {
            throw new InvalidOperationException("The data folder has no registry to back up.");
        }

        var sources = new BackupSources();
        foreach (var (name, database) in new[] { (DataFolderLayout.Jobs, JobsDatabase), (DataFolderLayout.Fingerprints, FingerprintsDatabase), (DataFolderLayout.Registry, RegistryDatabase) })
        {
            if (database is not null)
            {
                sources.Parts.Add(new BackupPartSource(name, async (destination, token) =>
                {
                    await database.BackupToAsync(destination, token).ConfigureAwait(false);
                    return StoreBackupPart.Written();
                }));
            }
        }

        if (Vector is { } vector && await UsableAsync(vector).ConfigureAwait(false))
        {
            sources.Parts.Add(new BackupPartSource(vector.Name, async (destination, token) =>
            {
                await vector.CopyToAsync(destination, token).ConfigureAwait(false);
                return StoreBackupPart.Written();
            }));
        }

        if (Keyword is { } keyword && await UsableAsync(keyword).ConfigureAwait(false))
        {
            sources.Parts.Add(new BackupPartSource(keyword.Name, async (destination, token) =>
            {
                await keyword.CopyToAsync(destination, token).ConfigureAwait(false);
                return StoreBackupPart.Written();
            }));
        }

        return sources;

        async Task<bool> UsableAsync(ISearchIndex index)
        {
            if (skipDamaged && await IndexHealth.CheckAsync(index, cancellationToken).ConfigureAwait(false) is { State: not IndexState.Healthy } state)
            {
                sources.Skipped.Add($"{index.Name}: cannot be opened ({state.Error})");
                return false;
            }

            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Keyword?.Dispose();
        if (Vector is not null)
        {
            await Vector.DisposeAsync().ConfigureAwait(false);
        }

        CloseDatabases();
    }

    private void CloseDatabases()
    {
        RegistryDatabase?.Dispose();
        FingerprintsDatabase?.Dispose();
        JobsDatabase?.Dispose();
    }

    private static bool HasFiles(string directory) => Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any();
}
