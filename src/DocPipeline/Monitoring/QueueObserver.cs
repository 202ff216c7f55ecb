using DocPipeline.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Monitoring;

/// <summary>
/// At each heartbeat of a worker: reads the queue once, publishes it to the gauges, and, with
/// <c>Monitoring:AlertOnFailures</c>, opens or resolves the incidents (jobs failed for good, failure rate, oldest pending
/// age): one error log and one webhook POST when an incident opens, one line and one POST when it is resolved.
/// </summary>
internal sealed class QueueObserver(
    PipelineMonitor monitor,
    AlertState alerts,
    AlertWebhook webhook,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<QueueObserver>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public async Task ObserveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (now, counts, pending, workers, _) = await monitor.ReadQueueAsync(cancellationToken).ConfigureAwait(false);
            var oldestAge = pending.OldestCreatedAt is { } oldest ? now - oldest : (TimeSpan?)null;
            MonitoringInstruments.Publish(new MonitoringInstruments.QueueReading(
                counts, oldestAge, workers.GroupBy(w => w.State).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal)));

            var thresholds = options.Value.Monitoring;
            if (!thresholds.AlertOnFailures)
            {
                return;
            }

            var (rate, finished) = PipelineMonitor.FailureRate(workers.Select(w => w.Heartbeat), now);
            Judge("failed_jobs", counts.Failed >= thresholds.FailedJobsDegradedThreshold, $"{counts.Failed} job(s) failed for good.", "No job is failed any more.");
            Judge("failure_rate", finished > 0 && rate > 0 && rate >= thresholds.FailureRateThreshold, $"{rate:P0} of the {finished} jobs finished in the last 15 minutes failed.", "The failure rate is back under its threshold.");
            Judge("oldest_pending", oldestAge >= thresholds.OldestPendingAgeThreshold, $"The oldest pending job has waited {oldestAge:g}.", "The oldest pending job is younger than its threshold.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            MonitoringLog.ObserveFailed(_logger, ex);
        }
    }

    private void Judge(string incident, bool open, string openMessage, string resolvedMessage)
    {
        if (open && alerts.TryOpen(incident, openMessage))
        {
            MonitoringLog.IncidentOpened(_logger, incident, openMessage);
            _ = webhook.SendAsync(new AlertMessage("opened", incident, openMessage, Environment.MachineName, Environment.ProcessId, time.GetUtcNow()));
        }
        else if (!open && alerts.TryResolve(incident))
        {
            MonitoringLog.IncidentResolved(_logger, incident, resolvedMessage);
            _ = webhook.SendAsync(new AlertMessage("resolved", incident, resolvedMessage, Environment.MachineName, Environment.ProcessId, time.GetUtcNow()));
        }
    }
}
