using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DocPipeline.Monitoring;

/// <summary>The health of a deployment as a monitor judges it, with every reason that is not healthy.</summary>
/// <param name="Status">Healthy, degraded or unhealthy: the worst of the reasons.</param>
/// <param name="Reasons">What is wrong, worst first; empty when healthy.</param>
/// <param name="Notes">What was checked and is fine, or could not be known (for example that no verify result is recorded).</param>
public sealed record MonitorHealth(HealthStatus Status, IReadOnlyList<MonitorHealthReason> Reasons, IReadOnlyList<string> Notes);
