using System.Reflection;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Consistency;

/// <content>Backups.</content>
internal sealed partial class IndexMaintenance
{
    public async Task<BackupResult> BackupAsync(BackupOptions options, CancellationToken cancellationToken = default)
    {
        Configuration.OperationOptionsValidator.ThrowIfInvalid(options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WriteBackupAsync(LiveBackupSources(), options.Destination ?? Layout.BackupDirectory, options.Format, "manual backup", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<BackupResult?> BackupBeforeDestructiveCoreAsync(string reason, CancellationToken cancellationToken)
    {
        if (!_options.IndexManagement.AutoBackup)
        {
            return null;
        }

        ConsistencyLog.AutoBackup(_logger, reason);
        var sources = LiveBackupSources();
        if (sources.Vector is { } vector && await IndexHealth.CheckAsync(vector, cancellationToken).ConfigureAwait(false) is { State: not IndexState.Healthy } vectorState)
        {
            sources.Skipped.Add($"{BackupLayout.Vector}: cannot be opened ({vectorState.Error})");
            sources = With(sources, vector: null, keyword: sources.Keyword);
        }

        if (sources.Keyword is { } keyword && await IndexHealth.CheckAsync(keyword, cancellationToken).ConfigureAwait(false) is { State: not IndexState.Healthy } keywordState)
        {
            sources.Skipped.Add($"{BackupLayout.Keyword}: cannot be opened ({keywordState.Error})");
            sources = With(sources, vector: sources.Vector, keyword: null);
        }

        return await WriteBackupAsync(sources, Layout.BackupDirectory, BackupFormat.Archive, "before " + reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container's stores, when they are the embedded ones: the only ones a data folder backup can hold.</summary>
    private BackupSources LiveBackupSources()
    {
        if (Registry is not SqliteDocumentRegistry)
        {
            throw new NotSupportedException(
                $"A data folder backup needs the embedded SQLite registry, and this pipeline uses {Registry.GetType().Name}. Back that registry up with its own tools; " +
                "every index can then be rebuilt from it.");
        }

        var databases = _services.GetRequiredService<SqliteDatabaseProvider>();
        var skipped = new List<string>();
        SqliteDatabase? jobs = null;
        SqliteDatabase? fingerprints = null;
        if (_services.GetService<IJobStore>() is SqliteJobStore)
        {
            jobs = databases.Open(Layout.JobsPath, SqliteJobStore.Description, SqliteJobStore.Schema);
        }
        else
        {
            skipped.Add($"{BackupLayout.Jobs}: not the embedded SQLite job store");
        }

        if (_services.GetService<IFingerprintStore>() is SqliteFingerprintStore)
        {
            fingerprints = databases.Open(Layout.FingerprintsPath, SqliteFingerprintStore.Description, SqliteFingerprintStore.Schema);
        }
        else
        {
            skipped.Add($"{BackupLayout.Fingerprints}: not the embedded SQLite fingerprint store");
        }

        var vector = _services.GetRequiredService<IVectorIndex>() as EmbeddedVectorIndex;
        if (vector is null)
        {
            skipped.Add($"{BackupLayout.Vector}: not the embedded vector index (rebuild it from the registry after a restore)");
        }

        var keyword = _services.GetRequiredService<IKeywordIndex>() as LuceneKeywordIndex;
        if (keyword is null || keyword.IsInMemory)
        {
            skipped.Add($"{BackupLayout.Keyword}: not the on-disk Lucene index (rebuild it from the registry after a restore)");
            keyword = null;
        }

        return new BackupSources
        {
            Jobs = jobs,
            Fingerprints = fingerprints,
            Registry = databases.Open(Layout.RegistryPath, "document registry", SqliteDocumentRegistry.Schema),
            Vector = vector,
            Keyword = keyword,
            Skipped = skipped,
        };
    }

    private static BackupSources With(BackupSources sources, EmbeddedVectorIndex? vector, LuceneKeywordIndex? keyword) => new()
    {
        Jobs = sources.Jobs,
        Fingerprints = sources.Fingerprints,
        Registry = sources.Registry,
        Vector = vector,
        Keyword = keyword,
        Skipped = sources.Skipped,
    };

    /// <summary>
    /// Writes a backup of <paramref name="sources"/>. The stores are copied one after the other, each consistent in
    /// itself: jobs, then fingerprints, then the registry, then the indexes. That order means no job is recorded done
    /// and no fingerprint recorded for a version the registry copy lacks (those documents are simply processed again),
    /// and the copied indexes are then reconciled with the copied registry from its own artifacts, so the backup is
    /// consistent however much ingestion went on meanwhile.
    /// </summary>
    private async Task<BackupResult> WriteBackupAsync(BackupSources sources, string destination, BackupFormat format, string reason, CancellationToken cancellationToken)
    {
        var createdAt = _time.GetUtcNow();
        var destinationPath = Path.GetFullPath(destination);
        var isArchive = BackupFiles.IsArchivePath(destinationPath);
        var retentionFolder = isArchive ? null : destinationPath;
        var finalPath = isArchive ? destinationPath : Path.Combine(destinationPath, BackupFiles.NameFor(createdAt, format));
        if (File.Exists(finalPath) || Directory.Exists(finalPath))
        {
            throw new IOException($"The backup destination '{finalPath}' already exists; choose another path.");
        }

        var parent = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, "." + Path.GetFileName(finalPath) + ".partial-" + Guid.NewGuid().ToString("N"));
        var partialArchive = finalPath + ".partial";
        try
        {
            Directory.CreateDirectory(staging);
            var stores = await CopyStoresAsync(sources, staging, cancellationToken).ConfigureAwait(false);
            var manifest = await ReconcileCopyAsync(staging, cancellationToken).ConfigureAwait(false);
            manifest.CreatedAt = createdAt;
            manifest.Reason = reason;
            manifest.Stores = stores;
            manifest.Skipped = sources.Skipped;
            manifest.DocPipelineVersion = typeof(IndexMaintenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

            var files = BackupFiles.RelativeFiles(staging);
            foreach (var file in files)
            {
                if (BackupLayout.StoreOfFile(file) is null)
                {
                    throw new InvalidOperationException($"The backup copy holds an unexpected file '{file}'.");
                }

                manifest.Files.Add(await BackupFiles.DescribeAsync(staging, file, cancellationToken).ConfigureAwait(false));
            }

            await BackupFiles.WriteManifestAsync(staging, manifest, cancellationToken).ConfigureAwait(false);
            if (isArchive || format == BackupFormat.Archive)
            {
                await BackupFiles.WriteArchiveAsync(staging, files, partialArchive, cancellationToken).ConfigureAwait(false);
                File.Move(partialArchive, finalPath);
            }
            else
            {
                Directory.Move(staging, finalPath);
            }

            var result = new BackupResult
            {
                Path = finalPath,
                CreatedAt = createdAt,
                Stores = stores,
                Skipped = sources.Skipped,
                Files = manifest.Files.Count,
                Bytes = manifest.Files.Sum(f => f.Size),
                Documents = manifest.Documents,
                Chunks = manifest.Chunks,
                Reconciled = manifest.Reconciled,
                Expired = retentionFolder is null ? [] : ApplyRetention(retentionFolder, finalPath, createdAt),
            };
            ConsistencyLog.BackedUp(_logger, finalPath, result.Files, result.Bytes, result.Chunks, result.Reconciled);
            return result;
        }
        finally
        {
            DeleteQuietly(staging);
            DeleteQuietly(partialArchive);
        }
    }

    private static async Task<List<string>> CopyStoresAsync(BackupSources sources, string staging, CancellationToken cancellationToken)
    {
        var stores = new List<string>();
        foreach (var (name, database) in new[] { (BackupLayout.Jobs, sources.Jobs), (BackupLayout.Fingerprints, sources.Fingerprints), (BackupLayout.Registry, sources.Registry) })
        {
            if (database is not null)
            {
                var copy = Path.Combine(staging, BackupLayout.EntryOf(name));
                await database.BackupToAsync(copy, cancellationToken).ConfigureAwait(false);
                stores.Add(name);
            }
        }

        if (sources.Vector is { } vector)
        {
            await vector.CopyToAsync(Path.Combine(staging, BackupLayout.EntryOf(BackupLayout.Vector)), cancellationToken).ConfigureAwait(false);
            stores.Add(BackupLayout.Vector);
        }

        if (sources.Keyword is { } keyword)
        {
            await keyword.CopyToAsync(Path.Combine(staging, BackupLayout.EntryOf(BackupLayout.Keyword)), cancellationToken).ConfigureAwait(false);
            stores.Add(BackupLayout.Keyword);
        }

        return stores;
    }

    /// <summary>
    /// Opens the copy, fixes its indexes to match its registry (entries written between the registry copy and the
    /// index copies), counts it, closes it, and leaves every SQLite file self-contained.
    /// </summary>
    private async Task<BackupManifest> ReconcileCopyAsync(string staging, CancellationToken cancellationToken)
    {
        var layout = DataFolderLayout.ForCopy(staging);
        var manifest = new BackupManifest();
        var stores = PrivateStores.OpenExisting(layout, _options, _time, _logger);
        await using (stores.ConfigureAwait(false))
        {
            var registry = stores.Registry!;
            var indexes = stores.Indexes;
            var writer = new ArtifactWriter(registry, registry);
            IndexRepairer? repairer = null;
            await WithCheckerAsync(registry, indexes, checker => checker.ScanAsync(_ => repairer = new IndexRepairer(registry, indexes, writer), cancellationToken)).ConfigureAwait(false);
            var after = await WithCheckerAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken)).ConfigureAwait(false);
            var statistics = await registry.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            manifest.Documents = statistics.Documents;
            manifest.Chunks = after.RegistryChunks;
            manifest.VectorEntries = after.Indexes.TryGetValue(BackupLayout.Vector, out var vector) ? vector.Entries : 0;
            manifest.KeywordEntries = after.Indexes.TryGetValue(BackupLayout.Keyword, out var keyword) ? keyword.Entries : 0;
            manifest.Reconciled = Enumerable.Range(0, indexes.Count).Sum(i => repairer!.Result(i) is var done ? done.Rewritten + done.Deleted : 0);
            manifest.Embedder = await registry.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
        }

        // The Lucene copy was opened for writing; its lock file is no part of the index.
        var writeLock = Path.Combine(layout.KeywordDirectory, Lucene.Net.Index.IndexWriter.WRITE_LOCK_NAME);
        if (File.Exists(writeLock))
        {
            File.Delete(writeLock);
        }
        foreach (var database in (string[])[layout.JobsPath, layout.FingerprintsPath, layout.RegistryPath, Path.Combine(layout.VectorDirectory, VectorStore.CatalogFileName)])
        {
            if (File.Exists(database))
            {
                BackupFiles.MakeSelfContained(database);
            }
        }

        return manifest;
    }

    /// <summary>Deletes the backups in <paramref name="folder"/> older than <c>DocPipeline:IndexManagement:BackupRetentionDays</c>, never the one just written.</summary>
    private List<string> ApplyRetention(string folder, string keep, DateTimeOffset now)
    {
        var days = _options.IndexManagement.BackupRetentionDays;
        var expired = new List<string>();
        if (days == 0)
        {
            return expired;
        }

        foreach (var (path, createdAt) in BackupFiles.ListBackups(folder))
        {
            if (createdAt < now.AddDays(-days) && !string.Equals(path, keep, StringComparison.Ordinal))
            {
                try
                {
                    BackupFiles.DeletePath(path);
                    expired.Add(path);
                    ConsistencyLog.BackupExpired(_logger, path, days);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    ConsistencyLog.LeftoverKept(_logger, path, ex);
                }
            }
        }

        return expired;
    }
}
