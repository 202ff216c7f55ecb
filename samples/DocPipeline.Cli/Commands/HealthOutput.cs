using DocPipeline.Monitoring;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DocPipeline.Cli.Commands;

/// <summary>Prints <c>docpipe monitor --health-check</c> and turns the status into its exit code: 0 healthy, 1 degraded, 2 unhealthy.</summary>
internal static class HealthOutput
{
    public static int Write(CliOutput output, MonitorHealth health)
    {
        var status = CliJson.Word(health.Status);
        if (output.IsJson)
        {
            CliJson.Write(new { Status = status, health.Reasons, health.Notes });
        }
        else
        {
            output.Line(status);
            foreach (var reason in health.Reasons)
            {
                output.Line($"  {CliJson.Word(reason.Status)} ({reason.Check}): {reason.Message}");
            }

            foreach (var note in health.Notes)
            {
                output.Line($"  note: {note}");
            }
        }

        return health.Status switch
        {
            HealthStatus.Healthy => 0,
            HealthStatus.Degraded => 1,
            _ => 2,
        };
    }
}
