using System.Reflection;
using DocPipeline.Configuration;
using DocPipeline.Indexing.Vector;
using DocPipeline.Maintenance;
using DocPipeline.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>
/// Backup: every store in use that takes part in backups (<see cref="IStoreBackup"/>) writes its snapshot into one
/// archive or folder, each file checksummed in the manifest; a part in use that writes nothing is reported.
/// </summary>
internal sealed class BackupOperation(
    IEnumerable<IStoreBackup> parts,
    IEnumerable<IStoreHealth> health,
    CheckerRunner checker,
    MaintenanceGate gate,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<BackupOperation>? logger = null,
    IServiceProvider? services = null)
{
    private readonly DocPipelineOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    private DataFolderLayout Layout => checker.Layout;

    /// <summary>See <see cref="IIndexMaintenance.BackupAsync"/>.</summary>
    public Task<BackupResult> BackupAsync(BackupOptions backup, CancellationToken cancellationToken)
    {
        return gate.RunAsync(
            async () =>
            {
                var sources = await LiveSourcesAsync(skipUnhealthy: false, cancellationToken).ConfigureAwait(false);
                if (await Migration.MigrationBackupNote.ReadAsync(services, cancellationToken).ConfigureAwait(false) is { } note)
                {
                    sources.Skipped.Add(note);
                }

                return await WriteBackupAsync(sources, backup.Destination ?? Layout.BackupDirectory, backup.Format, "manual backup", cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>
    /// Takes a backup into <c>DocPipeline:IndexManagement:BackupPath</c> when <c>AutoBackup</c> is on, before an
    /// operation that deletes or replaces data (a rebuild, a full cleanup). Stores that cannot be opened are left out
    /// rather than failing the backup. The caller holds the <see cref="MaintenanceGate"/>, or runs outside maintenance.
    /// </summary>
    /// <param name="reason">What is about to happen, for the log (for example "a full cleanup").</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The backup, or <see langword="null"/> when <c>AutoBackup</c> is off.</returns>
    public async Task<BackupResult?> BackupBeforeDestructiveAsync(string reason, CancellationToken cancellationToken)
    {
        if (!_options.IndexManagement.AutoBackup)
        {
            return null;
        }

        ConsistencyLog.AutoBackup(_logger, reason);
        var sources = await LiveSourcesAsync(skipUnhealthy: true, cancellationToken).ConfigureAwait(false);
        return await WriteBackupAsync(sources, Layout.BackupDirectory, BackupFormat.Archive, "before " + reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Backs up a data folder's stores opened outside the container (a restore backs up what it replaces), with the
    /// parts in use that live outside the data folder.
    /// </summary>
    public async Task<BackupResult> BackupPrivateStoresAsync(PrivateStores stores, string reason, CancellationToken cancellationToken)
    {
        var sources = await stores.ToBackupSourcesAsync(skipDamaged: true, cancellationToken).ConfigureAwait(false);
        foreach (var part in parts.Where(p => !DataFolderLayout.IsDataFolderPart(p.Name) && p.IsInUse))
        {
            sources.Parts.Add(BackupPartSource.Of(part));
        }

        sources.Parts.Sort((a, b) => DataFolderLayout.CheckOrder(a.Name).CompareTo(DataFolderLayout.CheckOrder(b.Name)));
        return await WriteBackupAsync(sources, Layout.BackupDirectory, BackupFormat.Archive, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The parts of the stores in use; a part the backup needs that no store in use writes is reported.</summary>
    private async Task<BackupSources> LiveSourcesAsync(bool skipUnhealthy, CancellationToken cancellationToken)
    {
        var inUse = parts.Where(p => p.IsInUse).OrderBy(p => DataFolderLayout.CheckOrder(p.Name)).ToList();
        if (!inUse.Any(p => p.Name == DataFolderLayout.Registry))
        {
            throw new NotSupportedException(
                "A data folder backup needs the embedded SQLite registry, and the registry this pipeline uses takes no part in backups. Back that registry up with its own tools; " +
                "every index can then be rebuilt from it.");
        }

        var sources = new BackupSources();
        foreach (var name in DataFolderLayout.StoreOrder.Where(name => !inUse.Any(p => p.Name == name)))
        {
            sources.Skipped.Add(name is DataFolderLayout.Vector or DataFolderLayout.Keyword
                ? $"{name}: the index in use takes no part in backups (rebuild it from the registry after a restore)"
                : $"{name}: the store in use takes no part in backups");
        }

        foreach (var part in inUse)
        {
            if (skipUnhealthy && health.FirstOrDefault(h => h.Name == part.Name && h.IsInUse) is { } check &&
                await check.CheckHealthAsync(cancellationToken).ConfigureAwait(false) is { State: not StoreHealthState.Healthy } state)
            {
                sources.Skipped.Add($"{part.Name}: cannot be opened ({state.Reason})");
                continue;
            }

            sources.Parts.Add(BackupPartSource.Of(part));
        }

        return sources;
    }

    /// <summary>
    /// Writes a backup of <paramref name="sources"/>. The stores are copied one after the other, each consistent in
    /// itself: jobs, then fingerprints, then the registry, then any other part, then the indexes. That order means no
    /// job is recorded done and no fingerprint recorded for a version the registry copy lacks (those documents are
    /// simply processed again), and the copied indexes are then reconciled with the copied registry from its own
    /// artifacts, so the backup is consistent however much ingestion went on meanwhile.
    /// </summary>
    private async Task<BackupResult> WriteBackupAsync(BackupSources sources, string destination, BackupFormat format, string reason, CancellationToken cancellationToken)
    {
        var createdAt = time.GetUtcNow();
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
            manifest.DocPipelineVersion = typeof(BackupOperation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

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
            CheckerRunner.DeleteQuietly(staging);
            CheckerRunner.DeleteQuietly(partialArchive);
        }
    }

    /// <summary>Has each part write its snapshot to its entry in <paramref name="staging"/>; a part that writes nothing is reported with its reason.</summary>
    private static async Task<List<string>> CopyStoresAsync(BackupSources sources, string staging, CancellationToken cancellationToken)
    {
        var stores = new List<string>();
        foreach (var part in sources.Parts)
        {
            var destination = Path.Combine(staging, BackupLayout.EntryOf(part.Name));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            var written = await part.WriteAsync(destination, cancellationToken).ConfigureAwait(false);
            if (!written.IsWritten)
            {
                if (part.Name == DataFolderLayout.Registry)
                {
                    throw new NotSupportedException(
                        $"A data folder backup needs the embedded SQLite registry, and the registry this pipeline uses is not in it: {written.Reason} " +
                        "Every index can be rebuilt from that registry.");
                }

                sources.Skipped.Add($"{part.Name}: {written.Reason}");
                continue;
            }

            if (!File.Exists(destination) && !Directory.Exists(destination))
            {
                throw new InvalidOperationException($"The {part.Name} store said it wrote its backup to '{destination}', and nothing is there.");
            }

            stores.Add(part.Name);
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
        var stores = PrivateStores.OpenExisting(layout, _options, time, _logger);
        await using (stores.ConfigureAwait(false))
        {
            var registry = stores.Registry!;
            var indexes = stores.Indexes;
            var writer = new ArtifactWriter(registry, registry);
            IndexRepairer? repairer = null;
            await checker.RunAsync(registry, indexes, c => c.ScanAsync(_ => repairer = new IndexRepairer(registry, indexes, writer), cancellationToken)).ConfigureAwait(false);
            var after = await checker.VerifyAsync(registry, indexes, cancellationToken).ConfigureAwait(false);
            var statistics = await registry.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            manifest.Documents = statistics.Documents;
            manifest.Chunks = after.RegistryChunks;
            manifest.VectorEntries = after.Indexes.TryGetValue(DataFolderLayout.Vector, out var vector) ? vector.Entries : 0;
            manifest.KeywordEntries = after.Indexes.TryGetValue(DataFolderLayout.Keyword, out var keyword) ? keyword.Entries : 0;
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
