using DocPipeline.Configuration;
using DocPipeline.Maintenance;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>
/// Restore: checks a backup, unpacks it aside, backs up what it replaces, and swaps the stores of the data folder in
/// (all or none); then each part of a store outside the data folder is handed to the store that restores it
/// (<see cref="IStoreRestore"/>). It never opens the stores of the data folder: run it from a fresh container.
/// </summary>
internal sealed class RestoreOperation(
    IEnumerable<IStoreRestore> restorers,
    BackupOperation backup,
    MaintenanceGate gate,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<RestoreOperation>? logger = null)
{
    private readonly DocPipelineOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    private DataFolderLayout Layout { get; } = DataFolderLayout.From(options.Value);

    /// <summary>See <see cref="IIndexMaintenance.RestoreAsync"/>.</summary>
    public Task<RestoreResult> RestoreAsync(RestoreOptions restore, CancellationToken cancellationToken)
    {
        return gate.RunAsync(() => RestoreCoreAsync(restore, cancellationToken), cancellationToken);
    }

    private async Task<RestoreResult> RestoreCoreAsync(RestoreOptions restore, CancellationToken cancellationToken)
    {
        var source = BackupReader.Resolve(restore.Source);

        // Fail before any long work when a store is open (here or in another process).
        DataFolderLock.EnsureClosed(Layout, DataFolderLayout.StoreOrder);
        SettleInterruptedRestores();

        var id = Guid.NewGuid().ToString("N");
        var staged = await BackupReader.StageAsync(source, Layout, id, cancellationToken).ConfigureAwait(false);
        try
        {
            var others = RestorersOf(staged, source);
            var safety = await BackupCurrentDataAsync(source, cancellationToken).ConfigureAwait(false);
            var stores = staged.Staged.Select(p => p.Key).ToList();

            // The stores outside the data folder first: a failure there leaves the data folder as it was.
            foreach (var (restorer, path) in others)
            {
                await restorer.RestoreAsync(path, cancellationToken).ConfigureAwait(false);
            }

            var replaced = Swap(staged, id);
            var kept = false;
            foreach (var aside in replaced)
            {
                try
                {
                    BackupFiles.DeletePath(aside);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    kept = true;
                    ConsistencyLog.LeftoverKept(_logger, aside, ex);
                }
            }

            // With a replaced store left over, the marker stays: the next restore deletes what is left.
            if (!kept)
            {
                File.Delete(RestoreLeftovers.MarkerPath(Layout, id));
            }

            ConsistencyLog.Restored(_logger, source, staged.Manifest.CreatedAt, string.Join(", ", stores));
            return new RestoreResult
            {
                Source = source,
                BackupCreatedAt = staged.Manifest.CreatedAt,
                Stores = stores,
                BackupPath = safety?.Path,
                Documents = staged.Manifest.Documents,
                Chunks = staged.Manifest.Chunks,
            };
        }
        finally
        {
            staged.Discard();
        }
    }

    /// <summary>The stores that restore the parts of the backup that live outside the data folder; a part no store restores refuses the backup.</summary>
    private List<(IStoreRestore Restorer, string Path)> RestorersOf(StagedRestore staged, string source)
    {
        var found = new List<(IStoreRestore, string)>();
        foreach (var (part, path) in staged.Staged.Where(p => !DataFolderLayout.IsDataFolderPart(p.Key)))
        {
            var restorer = restorers.LastOrDefault(r => r.Name == part) ?? throw new InvalidBackupException(
                $"The backup '{source}' holds the part '{part}', and no store registered in this pipeline restores it; register that store (its IStoreRestore) and restore again.");
            found.Add((restorer, path));
        }

        return found;
    }

    /// <summary>With <c>AutoBackup</c>, backs up the data about to be replaced, from stores opened only for that and closed again.</summary>
    private async Task<BackupResult?> BackupCurrentDataAsync(string source, CancellationToken cancellationToken)
    {
        if (!_options.IndexManagement.AutoBackup || !File.Exists(Layout.RegistryPath))
        {
            return null;
        }

        ConsistencyLog.AutoBackup(_logger, "restoring " + source);
        var current = PrivateStores.OpenExisting(Layout, _options, time, _logger);
        await using (current.ConfigureAwait(false))
        {
            return await backup.BackupPrivateStoresAsync(current, "before restoring " + source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Settles what a killed restore left beside the stores (see <see cref="RestoreLeftovers"/>), holding the stores
    /// closed while it does.
    /// </summary>
    private void SettleInterruptedRestores()
    {
        if (RestoreLeftovers.Find(Layout).Count == 0)
        {
            return;
        }

        using var hold = DataFolderLock.Acquire(Layout, DataFolderLayout.StoreOrder);
        if (OperatingSystem.IsWindows())
        {
            hold.Dispose();
        }

        RestoreLeftovers.Settle(Layout, _logger);
    }

    /// <summary>
    /// Swaps the staged stores in: each current store is renamed aside, then its staged replacement renamed into
    /// place, all while the stores are held closed. Any failure puts back everything already swapped, so the data
    /// folder is either entirely restored or untouched. A marker in the data folder says that a swap is under way
    /// until the caller has deleted the replaced stores, so that a restore killed in between is finished by the next
    /// one (<see cref="RestoreLeftovers"/>).
    /// </summary>
    /// <returns>The replaced stores, renamed aside (the caller deletes them).</returns>
    private List<string> Swap(StagedRestore staged, string id)
    {
        var stores = staged.Staged.Select(p => p.Key).Where(DataFolderLayout.IsDataFolderPart).ToList();
        var steps = new List<(string Target, string Staged, List<(string From, string To)> Aside)>();
        var hold = DataFolderLock.Acquire(Layout, stores);
        var marker = RestoreLeftovers.MarkerPath(Layout, id);
        try
        {
            Directory.CreateDirectory(Layout.DataDirectory);
            File.WriteAllBytes(marker, []);

            // Windows cannot rename a file or folder while a handle holds it, so the locks go first there; elsewhere
            // they are held across the renames, and no other process can open a store in between.
            if (OperatingSystem.IsWindows())
            {
                hold.Dispose();
            }

            foreach (var (store, stagedPath) in staged.Staged.Where(p => DataFolderLayout.IsDataFolderPart(p.Key)))
            {
                var target = Layout.TargetOf(store);
                var aside = new List<(string From, string To)>();
                var step = (Target: target, Staged: stagedPath, Aside: aside);
                steps.Add(step);

                // A SQLite store moves with its journal files, so none of them is ever applied to the restored file.
                foreach (var part in RestoreLeftovers.PartsOf(store, target))
                {
                    if (File.Exists(part) || Directory.Exists(part))
                    {
                        var to = RestoreLeftovers.AsideOf(part, id);
                        RestoreLeftovers.Move(part, to);
                        aside.Add((part, to));
                    }
                }

                RestoreLeftovers.Move(stagedPath, target);
            }
        }
        catch
        {
            Undo(steps);
            File.Delete(marker);
            throw;
        }
        finally
        {
            hold.Dispose();
        }

        return steps.SelectMany(s => s.Aside.Select(a => a.To)).ToList();
    }

    private static void Undo(List<(string Target, string Staged, List<(string From, string To)> Aside)> steps)
    {
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            var (target, staged, aside) = steps[i];
            if (!File.Exists(staged) && !Directory.Exists(staged) && (File.Exists(target) || Directory.Exists(target)))
            {
                RestoreLeftovers.Move(target, staged);
            }

            foreach (var (from, to) in aside)
            {
                if (File.Exists(to) || Directory.Exists(to))
                {
                    RestoreLeftovers.Move(to, from);
                }
            }
        }
    }
}
