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

    /// <summary>
    /// Gets or sets a value indicating whether a run that ends with failed sources logs one error naming how many failed,
    /// and whether workers raise alerts: when a job fails for good, or the failure rate or the age of the oldest pending
    /// job crosses its threshold, the worker logs one error per incident (and one line when it is resolved), the health
    /// check turns degraded, and <see cref="AlertWebhookUrl"/> (if set) receives the alert as JSON.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AlertOnFailures { get; set; }

    /// <summary>Gets or sets how often every worker (a worker host, or a <c>docpipe batch</c>) records its heartbeat in the job store.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long after its last heartbeat a worker that did not stop cleanly is shown as gone; longer than <see cref="HeartbeatInterval"/>.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan WorkerExpiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the share of failed jobs (failed ÷ finished over the last 15 minutes) from which the failure rate is an incident (alert, health degraded).</summary>
    /// <value>The default value is 0.1 (10%).</value>
    [Range(0.0, 1.0)]
    public double FailureRateThreshold { get; set; } = 0.1;

    /// <summary>Gets or sets the age of the oldest pending job from which the backlog is an incident (alert, health degraded).</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan OldestPendingAgeThreshold { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the free space, in megabytes, that the disk of the data folder must keep; less makes the health check unhealthy.</summary>
    /// <value>The default value is 1024 (1 GiB).</value>
    [Range(0, int.MaxValue)]
    public int MinFreeDiskMegabytes { get; set; } = 1024;

    /// <summary>Gets or sets the absolute http or https URL that receives every alert (opened and resolved) as a JSON POST; <see langword="null"/> sends none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? AlertWebhookUrl { get; set; }

    /// <summary>Gets or sets how long one POST to <see cref="AlertWebhookUrl"/> may take before it is retried (three attempts in all).</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AlertWebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
