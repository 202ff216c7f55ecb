using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DocPipeline.WebHost;

/// <summary>
/// DocPipeline's health check, run in the <see cref="ReadSide"/>: it reads the stores the way the pages do, so it
/// answers beside another process that writes the data folder and never takes the folder from it.
/// </summary>
internal sealed class ReadSideHealthCheck(ReadSide reads) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await reads.Get<HealthCheckService>().CheckHealthAsync(cancellationToken);
        return new HealthCheckResult(report.Status, report.Entries.Values.FirstOrDefault().Description, data: report.Entries.Values.FirstOrDefault().Data);
    }
}
