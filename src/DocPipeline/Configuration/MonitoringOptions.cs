using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of metrics, tracing and health checks (<c>DocPipeline:Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>Gets or sets a value indicating whether the <c>DocPipeline</c> meter records metrics.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnableMetrics { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the <c>DocPipeline</c> activity source records traces.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnableTracing { get; set; } = true;

    /// <summary>Gets or sets how many failed jobs make the health check report <c>Degraded</c>.</summary>
    /// <value>The default value is 1.</value>
    [Range(1, int.MaxValue)]
    public int FailedJobsDegradedThreshold { get; set; } = 1;

    /// <summary>Gets or sets how many pending jobs make the health check report <c>Degraded</c> (a backlog).</summary>
    /// <value>The default value is 100,000.</value>
    [Range(1, int.MaxValue)]
    public int PendingJobsDegradedThreshold { get; set; } = 100_000;
}
