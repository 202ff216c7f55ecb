using System.CommandLine;
using DocPipeline.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// <c>docpipe monitor</c>: watches a data folder (or a shared PostgreSQL deployment) from outside the processes that
/// write it. It opens the folder read-only, reads only the job store's jobs and heartbeats (and, for
/// <c>--health-check</c>, asks every store whether it can be used), and never takes the writer lock.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create(CliOptions common)
    {
        var live = new Option<bool>("--live") { Description = "The live view (the default): jobs, throughput, batches, workers, failures, cache hit rate, index sizes." };
        var jobs = new Option<bool>("--jobs") { Description = "The queue in detail: by state, by priority, oldest pending, retries waiting, failed with reasons." };
        var performance = new Option<bool>("--performance") { Description = "Throughput over 1/5/15 minutes and per-step latency percentiles." };
        var resources = new Option<bool>("--resources") { Description = "CPU and memory per worker, disk used by each store, free disk." };
        var health = new Option<bool>("--health-check") { Description = "Judge the deployment once: exit 0 healthy, 1 degraded, 2 unhealthy, with the reasons." };
        var once = new Option<bool>("--once") { Description = "Print the view once and exit (the default when output is redirected is one line per interval)." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes, 0.1-3600.", DefaultValueFactory = _ => 1.0 };
        interval.Validators.Add(result =>
        {
            if (result.GetValue(interval) is < 0.1 or > 3600)
            {
                result.AddError("--interval must be between 0.1 and 3600 seconds.");
            }
        });
        var command = new Command("monitor", "Watch the queue, the workers, throughput, resources and health of a data folder from another process.")
        {
            live, jobs, performance, resources, health, once, interval,
        };
        command.Validators.Add(result =>
        {
            if (new[] { live, jobs, performance, resources, health }.Count(o => result.GetValue(o)) > 1)
            {
                result.AddError("--live, --jobs, --performance, --resources and --health-check are separate views; give one.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(common.Json));
            if (Configuration.CliConfiguration.TryLoad(common, parse, output) is not { } configuration)
            {
                return ExitCodes.Usage;
            }

            var view = parse.GetValue(jobs) ? MonitorView.Jobs
                : parse.GetValue(performance) ? MonitorView.Performance
                : parse.GetValue(resources) ? MonitorView.Resources
                : MonitorView.Live;
            if (!Directory.Exists(configuration.DataDirectory))
            {
                return parse.GetValue(health)
                    ? HealthOutput.Write(output, new MonitorHealth(HealthStatus.Unhealthy, [new MonitorHealthReason(HealthStatus.Unhealthy, "stores", $"There is no data folder at '{configuration.DataDirectory}'.")], []))
                    : output.Error($"There is no data folder at '{configuration.DataDirectory}'. Run 'docpipe batch --src <files>' first, or pass --data.", ExitCodes.Usage);
            }

            await using var provider = Build(configuration.DataDirectory, configuration.Root);
            try
            {
                var monitor = provider.GetRequiredService<IPipelineMonitor>();
                if (parse.GetValue(health))
                {
                    return HealthOutput.Write(output, await monitor.CheckHealthAsync(cancellationToken));
                }

                var every = TimeSpan.FromSeconds(parse.GetValue(interval));
                return await MonitorLoop.RunAsync(monitor, view, output, parse.GetValue(once), every, cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
            catch (Exception ex) when (ex is DocPipelineStorageException or IOException or UnauthorizedAccessException)
            {
                return parse.GetValue(health)
                    ? HealthOutput.Write(output, new MonitorHealth(HealthStatus.Unhealthy, [new MonitorHealthReason(HealthStatus.Unhealthy, "stores", ex.Message)], []))
                    : output.Error(ex.Message, ExitCodes.Storage);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>A read-only pipeline over the folder: no embedder, no writer lock; warnings on stderr.</summary>
    private static ServiceProvider Build(string data, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddDocPipeline(o =>
        {
            o.DataDirectory = data;
            o.ReadOnly = true;
        });
        return services.BuildServiceProvider();
    }
}
