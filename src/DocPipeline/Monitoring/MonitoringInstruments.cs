using System.Diagnostics.Metrics;
using DocPipeline.Diagnostics;
using DocPipeline.Jobs;

namespace DocPipeline.Monitoring;

/// <summary>
/// The gauges of the <c>DocPipeline</c> meter: jobs by state, the age of the oldest pending job, jobs in flight and
/// workers by state. They report the values the last heartbeat of this process read (never a query inside a callback);
/// a process that runs no queue reports none.
/// </summary>
internal static class MonitoringInstruments
{
    private static readonly string[] States = ["pending", "processing", "completed", "failed", "cancelled"];

    private static QueueReading? _latest;

    static MonitoringInstruments()
    {
        DocPipelineDiagnostics.Meter.CreateObservableGauge("docpipeline.queue.jobs", ObserveJobs, "{job}", "Jobs in the job store, tagged with their state.");
        DocPipelineDiagnostics.Meter.CreateObservableGauge("docpipeline.queue.oldest_pending.age", ObserveOldestPending, "s", "How long the oldest pending job has waited.");
        DocPipelineDiagnostics.Meter.CreateObservableGauge("docpipeline.queue.in_flight", ObserveInFlight, "{job}", "Jobs being processed by any worker.");
        DocPipelineDiagnostics.Meter.CreateObservableGauge("docpipeline.workers", ObserveWorkers, "{worker}", "Workers recorded in the job store, tagged with their state (alive, stuck, stopped, gone).");
    }

    /// <summary>Publishes what a heartbeat read.</summary>
    public static void Publish(QueueReading reading) => Volatile.Write(ref _latest, reading);

    private static IEnumerable<Measurement<long>> ObserveJobs()
    {
        if (Volatile.Read(ref _latest) is not { } latest)
        {
            yield break;
        }

        long[] values = [latest.Counts.Pending, latest.Counts.Processing, latest.Counts.Completed, latest.Counts.Failed, latest.Counts.Cancelled];
        for (var i = 0; i < States.Length; i++)
        {
            yield return new Measurement<long>(values[i], new KeyValuePair<string, object?>("docpipeline.job.state", States[i]));
        }
    }

    private static IEnumerable<Measurement<double>> ObserveOldestPending() =>
        Volatile.Read(ref _latest) is { } latest ? [new Measurement<double>(latest.OldestPendingAge?.TotalSeconds ?? 0)] : [];

    private static IEnumerable<Measurement<long>> ObserveInFlight() =>
        Volatile.Read(ref _latest) is { } latest ? [new Measurement<long>(latest.Counts.Processing)] : [];

    private static IEnumerable<Measurement<long>> ObserveWorkers() =>
        Volatile.Read(ref _latest) is { } latest
            ? latest.Workers.Select(w => new Measurement<long>(w.Value, new KeyValuePair<string, object?>("docpipeline.worker.state", w.Key)))
            : [];

    /// <summary>What the gauges report.</summary>
    internal sealed record QueueReading(JobStatusCounts Counts, TimeSpan? OldestPendingAge, IReadOnlyDictionary<string, long> Workers);
}
