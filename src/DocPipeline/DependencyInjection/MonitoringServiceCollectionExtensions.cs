using DocPipeline.Jobs;
using DocPipeline.Monitoring;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers worker heartbeats, the pipeline monitor, alerts and gauges (part of <c>AddDocPipeline</c>).</summary>
internal static class MonitoringServiceCollectionExtensions
{
    public static IServiceCollection AddDocPipelineMonitoring(this IServiceCollection services)
    {
        // The job store keeps the heartbeats when it can (the built-in ones do); register another to keep them elsewhere.
        services.TryAddSingleton<IWorkerHeartbeatStore>(static sp => (sp.GetRequiredService<IJobStore>() as IWorkerHeartbeatStore)!);
        services.TryAddSingleton<AlertState>();
        services.TryAddSingleton<AlertWebhook>();
        services.TryAddSingleton<PipelineMonitor>();
        services.TryAddSingleton<IPipelineMonitor>(static sp => sp.GetRequiredService<PipelineMonitor>());
        services.TryAddSingleton<QueueObserver>();
        services.TryAddSingleton<WorkerHeartbeatWriter>();
        return services;
    }
}
