using DocPipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Consistency;

/// <summary>
/// The container's <see cref="IIndexMaintenance"/>: a façade over the operations, each resolved only when it runs, so
/// that a container built to restore a data folder never opens the stores it is about to replace. The operations of
/// one container run one at a time (<see cref="MaintenanceGate"/>).
/// </summary>
internal sealed class IndexMaintenance(
    Deferred<VerifyOperation> verify,
    Deferred<RepairOperation> repair,
    Deferred<RebuildOperation> rebuild,
    Deferred<RegistryRebuildOperation> rebuildRegistry,
    Deferred<BackupOperation> backup,
    Deferred<RestoreOperation> restore) : IIndexMaintenance
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
        return repair.Value.RepairAsync(options, cancellationToken);
    }

    public Task<RebuildResult> RebuildAsync(RebuildTarget target, CancellationToken cancellationToken = default)
    {
        if (target == 0 || (target & ~RebuildTarget.Both) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "Rebuild the vector index, the keyword index, or both.");
        }

        return rebuild.Value.RebuildAsync(target, cancellationToken);
    }

    public Task<RegistryRebuildResult> RebuildRegistryAsync(CancellationToken cancellationToken = default) => rebuildRegistry.Value.RebuildRegistryAsync(cancellationToken);

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
}
