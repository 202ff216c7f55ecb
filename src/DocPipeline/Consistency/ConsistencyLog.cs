using Microsoft.Extensions.Logging;

namespace DocPipeline.Consistency;

/// <summary>The log messages of index verify, repair, rebuild, backup and restore (event ids 5100–5199).</summary>
internal static partial class ConsistencyLog
{
    [LoggerMessage(5100, LogLevel.Information, "Verified {Chunks} registry chunks against the indexes in {Duration}: consistent")]
    public static partial void Consistent(ILogger logger, long chunks, TimeSpan duration);

    [LoggerMessage(5101, LogLevel.Warning, "Verified {Chunks} registry chunks against the indexes in {Duration}: the {Index} index has {Missing} missing, {Orphaned} orphaned and {Stale} stale entries")]
    public static partial void Inconsistent(ILogger logger, long chunks, TimeSpan duration, string index, long missing, long orphaned, long stale);

    [LoggerMessage(5102, LogLevel.Information, "Repaired the {Index} index: {Rewritten} entries written again, {Deleted} orphans deleted, {Skipped} left to running jobs, {Unrepairable} without a stored embedding")]
    public static partial void Repaired(ILogger logger, string index, long rewritten, long deleted, long skipped, long unrepairable);

    [LoggerMessage(5103, LogLevel.Warning, "The {Index} index cannot be opened and is rebuilt from the registry: {Error}")]
    public static partial void RebuildingDamaged(ILogger logger, string index, string error);

    [LoggerMessage(5104, LogLevel.Information, "Rebuilt the {Index} index from the registry: {Chunks} chunks of {Documents} documents, no embedder call")]
    public static partial void Rebuilt(ILogger logger, string index, long chunks, long documents);

    [LoggerMessage(5105, LogLevel.Error, "The {Index} index cannot be opened and DocPipeline:IndexManagement:RebuildOnCorruption is off: {Error}")]
    public static partial void DamagedNotRebuilt(ILogger logger, string index, string error);

    [LoggerMessage(5106, LogLevel.Information, "Backed up the data folder to '{Path}' ({Files} files, {Bytes} bytes, {Chunks} chunks; {Reconciled} index entries reconciled with the registry copy)")]
    public static partial void BackedUp(ILogger logger, string path, int files, long bytes, long chunks, long reconciled);

    [LoggerMessage(5107, LogLevel.Information, "Deleted the backup '{Path}': older than {Days} days")]
    public static partial void BackupExpired(ILogger logger, string path, int days);

    [LoggerMessage(5108, LogLevel.Information, "Taking a backup before {Reason}")]
    public static partial void AutoBackup(ILogger logger, string reason);

    [LoggerMessage(5109, LogLevel.Warning, "Restored the data folder from '{Source}' (taken {CreatedAt}): {Stores}")]
    public static partial void Restored(ILogger logger, string source, DateTimeOffset createdAt, string stores);

    [LoggerMessage(5110, LogLevel.Warning, "Could not delete '{Path}' after the restore; delete it by hand")]
    public static partial void LeftoverKept(ILogger logger, string path, Exception exception);

    [LoggerMessage(5130, LogLevel.Information, "Rebuilt the document registry from the indexes: {Documents} documents, {Chunks} chunks, {Embeddings} embeddings; {NotRecovered} documents not recovered")]
    public static partial void RegistryRebuilt(ILogger logger, long documents, long chunks, long embeddings, long notRecovered);

    [LoggerMessage(5111, LogLevel.Warning, "The {Index} index is in use by another process; the startup check leaves it alone: {Error}")]
    public static partial void InUseAtStartup(ILogger logger, string index, string error);

    [LoggerMessage(5112, LogLevel.Warning, "The consistency check at startup (DocPipeline:IndexManagement:ConsistencyChecks) could not run")]
    public static partial void StartupVerifyFailed(ILogger logger, Exception exception);

    [LoggerMessage(5113, LogLevel.Warning, "The {Index} index could not be verified: {Error}")]
    public static partial void Unreadable(ILogger logger, string index, string error);
}
