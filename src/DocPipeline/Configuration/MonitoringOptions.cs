using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of the health check and of what a run reports about itself (<c>DocPipeline:Monitoring</c>).</summary>
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

    /// <summary>Gets or sets a value indicating whether a run reports its progress at every change (each document found or finished) rather than at most every 100 ms; docpipe then prints every report rather than one every 2 seconds.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DetailedProgress { get; set; }

    /// <summary>Gets or sets a value indicating whether a run's result includes its throughput (documents and chunks per second).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool PerformanceMetrics { get; set; }

    /// <summary>Gets or sets a value indicating whether a run's result includes the resources it used (peak memory, CPU time).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ResourceMonitoring { get; set; }

    /// <summary>Gets or sets a value indicating whether a run that ends with failed sources logs one error naming how many failed, for alerting on the logs.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AlertOnFailures { get; set; }
}
