using Microsoft.Extensions.Logging;

namespace DocPipeline.Monitoring;

/// <summary>The log messages of heartbeats and alerts (event ids 7100-7199).</summary>
internal static partial class MonitoringLog
{
    [LoggerMessage(7100, LogLevel.Warning, "Worker {WorkerId} could not record its heartbeat; it tries again in {Interval}")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string workerId, TimeSpan interval);

    [LoggerMessage(7101, LogLevel.Error, "DocPipeline alert {Incident}: {Message}")]
    public static partial void IncidentOpened(ILogger logger, string incident, string message);

    [LoggerMessage(7102, LogLevel.Information, "DocPipeline alert {Incident} resolved: {Message}")]
    public static partial void IncidentResolved(ILogger logger, string incident, string message);

    [LoggerMessage(7103, LogLevel.Warning, "The alert webhook {Url} did not take alert {Incident} after {Attempts} attempts")]
    public static partial void WebhookFailed(ILogger logger, Exception? exception, string url, string incident, int attempts);

    [LoggerMessage(7104, LogLevel.Warning, "Could not read the queue for the gauges and alerts; trying again at the next heartbeat")]
    public static partial void ObserveFailed(ILogger logger, Exception exception);
}
