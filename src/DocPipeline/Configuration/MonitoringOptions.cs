using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of the health check (<c>DocPipeline:Monitoring</c>).</summary>
/// <remarks>
/// Metrics and traces cost nothing until a listener subscribes: add the meter and the activity source named
/// <c>DocPipeline</c> to your telemetry (for example OpenTelemetry's <c>AddMeter("DocPipeline")</c>).
/// </remarks>
public sealed class MonitoringOptions
{
    /// <summary>Gets or sets how many failed jobs make the health check report <c>Degraded</c>.</summary>
    /// <value>The default value is 1.</value>
    [Range(1, int.MaxValue)]
    public int FailedJobsDegradedThreshold { get; set; } = 1;

    /// <summary>Gets or sets how many pending jobs make the health check report <c>Degraded</c> (a backlog).</summary>
    /// <value>The default value is 100,000.</value>
    [Range(1, int.MaxValue)]
    public int PendingJobsDegradedThreshold { get; set; } = 100_000;
}
