using DocPipeline.Ingestion;

namespace DocPipeline.Consistency;

/// <summary>Takes a backup before a destructive change when <c>DocPipeline:IndexManagement:AutoBackup</c> is on (see <see cref="BackupOperation.BackupBeforeDestructiveAsync"/>).</summary>
internal sealed class AutoBackupGuard(BackupOperation backup, MaintenanceGate gate) : IDestructiveChangeGuard
{
    public Task BeforeDestructiveChangeAsync(string reason, CancellationToken cancellationToken) =>
        gate.RunAsync(() => backup.BackupBeforeDestructiveAsync(reason, cancellationToken), cancellationToken);
}
