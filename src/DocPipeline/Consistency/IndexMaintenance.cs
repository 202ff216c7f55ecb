using DocPipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Consistency;

/// <summary>
/// The container's <see cref="IIndexMaintenance"/>: a façade over the operations, each resolved only when it runs, so
/// that a container built to restore a data folder never opens the stores it is about to replace. The operations of
/// one container run one at a time (<see cref="MaintenanceGate"/>). The operations that write the indexes or the
/// registry (a repair that fixes, a rebuild, a registry rebuild) first become the data folder's writer
/// (<see cref="Storage.DataFolderWriter"/>): beside another writing process they wait their turn instead of failing
/// on an index's lock.
/// </summary>
internal sealed class IndexMaintenance(
    Deferred<VerifyOperation> verify,
    Deferred<RepairOperation> repair,
    Deferred<RebuildOperation> rebuild,
    Deferred<RegistryRebuildOperation> rebuildRegistry,
    Deferred<BackupOperation> backup,
    Deferred<RestoreOperation> restore,
    Storage.DataFolderWriter? writer = null) : IIndexMaintenance
{
    public Task<ConsistencyReport> VerifyAsync(CancellationToken cancellationToken = default) => VerifyAsync(new VerifyOptions(), cancellationToken);

    public Task<ConsistencyReport> VerifyAsync(VerifyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return verify.Value.VerifyAsync(options, cancellationToken);
    }

    public Task<RepairResult> RepairAsync(RepairOptions options, CancellationToken cancellationToken = default)
    {
        OperationOptionsValidator.ThrowIfInvalid(options);
        var operation = repair.Value;
        return options.AutoFix
            ? AsWriterAsync(() => operation.RepairAsync(options, cancellationToken), cancellationToken)
            : operation.RepairAsync(options, cancellationToken);
    }

    public Task<RebuildResult> RebuildAsync(RebuildTarget target, CancellationToken cancellationToken = default)
    {
        if (target == 0 || (target & ~RebuildTarget.Both) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "Rebuild the vector index, the keyword index, or both.");
        }

        var operation = rebuild.Value;
        return AsWriterAsync(() => operation.RebuildAsync(target, cancellationToken), cancellationToken);
    }

    public Task<RegistryRebuildResult> RebuildRegistryAsync(CancellationToken cancellationToken = default)
    {
        var operation = rebuildRegistry.Value;
        return AsWriterAsync(() => operation.RebuildRegistryAsync(cancellationToken), cancellationToken);
    }

    public Task<BackupResult> BackupAsync(BackupOptions options, CancellationToken cancellationToken = default)
    {
        OperationOptionsValidator.ThrowIfInvalid(options);
        return backup.Value.BackupAsync(options, cancellationToken);
    }

    public Task<RestoreResult> RestoreAsync(RestoreOptions options, CancellationToken cancellationToken = default)
    {
        OperationOptionsValidator.ThrowIfInvalid(options);
        return restore.Value.RestoreAsync(options, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> as the folder's writer. The operation is resolved before this is called: that
    /// creates the container's indexes, and an embedded index is what says the folder needs a writer lock.
    /// </summary>
    private async Task<T> AsWriterAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        if (writer is not null)
        {
            await writer.EnterAsync(cancellationToken).ConfigureAwait(false);
        }

        return await operation().ConfigureAwait(false);
    }
}
