using Microsoft.Extensions.Logging;

namespace DocPipeline.Ingestion;

/// <summary>The log messages of what follows a run (event ids 6100-6199).</summary>
internal static partial class RunHousekeepingLog
{
    [LoggerMessage(6100, LogLevel.Error, "ALERT: {Failed} of {Total} sources failed in this run (DocPipeline:Monitoring:AlertOnFailures)")]
    public static partial void RunHadFailures(ILogger logger, long failed, long total);

    [LoggerMessage(6101, LogLevel.Information, "Retention: deleted {Count} finished jobs older than {RetentionDays} days (DocPipeline:Queue:JobRetentionDays)")]
    public static partial void JobsPurged(ILogger logger, int count, int retentionDays);

    [LoggerMessage(6102, LogLevel.Information, "Retention: removed the fingerprints and history of {Count} sources not seen for {RetentionDays} days (DocPipeline:Fingerprint:RetentionDays)")]
    public static partial void FingerprintsExpired(ILogger logger, int count, int retentionDays);

    [LoggerMessage(6103, LogLevel.Warning, "Retention could not run; it is tried again after the next run")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
