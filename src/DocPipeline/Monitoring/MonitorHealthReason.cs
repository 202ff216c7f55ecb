using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DocPipeline.Monitoring;

/// <summary>One thing that makes a deployment degraded or unhealthy.</summary>
/// <param name="Status">Degraded or unhealthy.</param>
/// <param name="Check">The check: <c>stores</c>, <c>consistency</c>, <c>workers</c>, <c>failed_jobs</c>, <c>failure_rate</c>, <c>oldest_pending</c> or <c>disk</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record MonitorHealthReason(HealthStatus Status, string Check, string Message);
