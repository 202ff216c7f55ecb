using DocPipeline.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds DocPipeline's health check to a host's health checks.</summary>
public static class DocPipelineHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the check named <c>docpipeline</c>: unhealthy when the job store or an index cannot be read, degraded when
    /// jobs failed, a backlog built up (<c>DocPipeline:Monitoring</c> thresholds) or the two indexes hold different
    /// numbers of chunks.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IHealthChecksBuilder AddDocPipeline(this IHealthChecksBuilder builder) => builder.AddDocPipeline("docpipeline");

    /// <summary>Adds DocPipeline's health check under <paramref name="name"/>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The name of the check.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IHealthChecksBuilder AddDocPipeline(this IHealthChecksBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => ActivatorUtilities.CreateInstance<DocPipelineHealthCheck>(sp),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["docpipeline"]));
    }
}
