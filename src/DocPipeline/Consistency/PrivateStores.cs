using DocPipeline.Configuration;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Jobs;
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
                stores.RegistryDatabase = SqliteDatabase.Open(layout.RegistryPath, "document registry", SqliteDocumentRegistry.Schema);
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

    /// <summary>Gets the stores as a backup source; indexes that cannot be opened are left out with the reason when <paramref name="skipDamaged"/>.</summary>
    public async Task<BackupSources> ToBackupSourcesAsync(bool skipDamaged, CancellationToken cancellationToken)
    {
        var skipped = new List<string>();
        var vector = Vector;
        var keyword = Keyword;
        if (skipDamaged && vector is not null && await IndexHealth.CheckAsync(vector, cancellationToken).ConfigureAwait(false) is { State: not IndexState.Healthy } vectorState)
        {
            skipped.Add($"{BackupLayout.Vector}: cannot be opened ({vectorState.Error})");
            vector = null;
        }

        if (skipDamaged && keyword is not null && await IndexHealth.CheckAsync(keyword, cancellationToken).ConfigureAwait(false) is { State: not IndexState.Healthy } keywordState)
        {
            skipped.Add($"{BackupLayout.Keyword}: cannot be opened ({keywordState.Error})");
            keyword = null;
        }

        return new BackupSources
        {
            Jobs = JobsDatabase,
            Fingerprints = FingerprintsDatabase,
            Registry = RegistryDatabase ?? throw new InvalidOperationException("The data folder has no registry to back up."),
            Vector = vector,
            Keyword = keyword,
            Skipped = skipped,
        };
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
