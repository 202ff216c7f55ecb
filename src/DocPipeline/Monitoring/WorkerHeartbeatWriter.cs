using DocPipeline.Configuration;
using DocPipeline.Embeddings;
using DocPipeline.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Monitoring;

/// <summary>
/// Records a worker's heartbeat in the <see cref="IWorkerHeartbeatStore"/> every <c>Monitoring:HeartbeatInterval</c>
/// while a queue runs (a worker host, or a <c>docpipe batch</c>), a last one marked stopped when it stops, and after
/// each one lets the <see cref="QueueObserver"/> refresh the gauges and alerts. Failures are logged, never thrown:
/// monitoring must not stop the work.
/// </summary>
internal sealed class WorkerHeartbeatWriter(
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<WorkerHeartbeatWriter>? logger = null,
    IWorkerHeartbeatStore? store = null,
    QueueObserver? observer = null,
    EmbeddingUsage? embedding = null)
{
    /// <summary>How long rows of workers that are gone stay listed before a starting worker removes them.</summary>
    internal static readonly TimeSpan GoneWorkerRetention = TimeSpan.FromDays(1);

    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly TimeSpan _interval = options.Value.Monitoring.HeartbeatInterval;

    /// <summary>Records heartbeats of worker <paramref name="workerId"/> until <paramref name="stop"/> is cancelled, then a last one marked stopped.</summary>
    public async Task RunAsync(string workerId, Func<int> jobsInFlight, CancellationToken stop)
    {
        if (store is null)
        {
            return;
        }

        using var metrics = new WorkerMetrics(time);
        var resources = new ProcessResources();
        var started = time.GetUtcNow();
        try
        {
            await store.RemoveWorkersAsync(started - GoneWorkerRetention, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            MonitoringLog.HeartbeatFailed(_logger, ex, workerId, _interval);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            await BeatAsync(workerId, started, jobsInFlight(), stopped: false, metrics, resources, stop).ConfigureAwait(false);
            if (observer is not null)
            {
                await observer.ObserveAsync(stop).ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(_interval, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await BeatAsync(workerId, started, jobsInFlight(), stopped: true, metrics, resources, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task BeatAsync(string workerId, DateTimeOffset started, int inFlight, bool stopped, WorkerMetrics metrics, ProcessResources resources, CancellationToken cancellationToken)
    {
        var (cpu, workingSet, gcHeap, bytesRead) = resources.Sample();
        var calls = embedding?.Read() ?? EmbeddingStatistics.Empty;
        var heartbeat = new WorkerHeartbeat
        {
            WorkerId = workerId,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            StartedAt = started,
            SeenAt = time.GetUtcNow(),
            Stopped = stopped,
            JobsInFlight = inFlight,
            JobsCompleted = metrics.Completed,
            JobsFailed = metrics.Failed,
            JobsRetried = metrics.Retried,
            ChunksEmbedded = metrics.Embedded,
            ChunksReused = metrics.Reused,
            BytesRead = bytesRead,
            EmbeddingCalls = calls.Calls,
            EmbeddingTexts = calls.Texts,
            EmbeddingInputTokens = calls.InputTokens,
            EmbeddingRateLimited = calls.RateLimited,
            EmbeddingRateLimitWaitMs = (long)calls.RateLimitWait.TotalMilliseconds,
            CpuPercent = cpu,
            WorkingSetBytes = workingSet,
            GcHeapBytes = gcHeap,
            StepLatencies = metrics.TakeStepLatencies(),
            Activity = metrics.Activity(),
        };
        try
        {
            await store!.RecordHeartbeatAsync(heartbeat, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; the last heartbeat follows.
        }
        catch (Exception ex)
        {
            MonitoringLog.HeartbeatFailed(_logger, ex, workerId, _interval);
        }
    }
}
