using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Embeddings;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Jobs;
using DocPipeline.Maintenance;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DocPipeline.Monitoring;

/// <summary>
/// Builds monitor snapshots and health from the job store and the workers' heartbeats. Throughput comes from the
/// heartbeats' 10-second activity slots (every worker, including stopped and gone ones, for the window), so a monitor
/// on any machine, or after a crash, computes the same rates without scanning finished jobs.
/// </summary>
internal sealed class PipelineMonitor(
    IJobStore jobs,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    IServiceProvider services,
    IEnumerable<IStoreHealth> storeHealth,
    IWorkerHeartbeatStore? heartbeats = null,
    AlertState? alerts = null) : IPipelineMonitor
{
    /// <summary>How long a measurement of the disk serves snapshots.</summary>
    internal static readonly TimeSpan DiskRefreshInterval = TimeSpan.FromSeconds(5);

    private static readonly int[] Windows = [1, 5, 15];

    private (DateTimeOffset At, IReadOnlyList<StoreDiskUsage> Stores, long? Free)? _disk;

    public async Task<MonitorSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var (now, counts, pending, workers, running) = await ReadQueueAsync(cancellationToken).ConfigureAwait(false);
        var pause = await jobs.GetPauseStateAsync(cancellationToken).ConfigureAwait(false);
        var failures = counts.Failed == 0 ? [] : await jobs.ListAsync(new JobQuery { Status = JobStatus.Failed, Limit = 10 }, cancellationToken).ConfigureAwait(false);
        var throughput = ThroughputOf(workers.Select(w => w.Heartbeat), now);
        var batches = await BatchesAsync(running, throughput, cancellationToken).ConfigureAwait(false);
        var (embedded, reused) = ChunksIn(workers.Select(w => w.Heartbeat), now - TimeSpan.FromMinutes(15));
        var (stores, free) = DiskOf(now);
        return new MonitorSnapshot
        {
            At = now,
            Jobs = counts,
            Queue = pause,
            Pending = pending,
            OldestPendingAge = pending.OldestCreatedAt is { } oldest ? Max(now - oldest, TimeSpan.Zero) : null,
            Workers = workers,
            Running = running,
            Batches = batches,
            RecentFailures = failures,
            Throughput = throughput,
            EmbeddingCacheHitRate = embedded + reused == 0 ? null : Math.Round((double)reused / (embedded + reused), 4),
            Embedding = EmbeddingOf(workers.Select(w => w.Heartbeat)),
            StepLatencies = MergeLatencies(workers, now),
            Stores = stores,
            FreeDiskBytes = free,
        };
    }

    /// <summary>The disk per store and the free disk, measured at most every <see cref="DiskRefreshInterval"/>: walking the index folders is the costliest part of a snapshot.</summary>
    private (IReadOnlyList<StoreDiskUsage> Stores, long? Free) DiskOf(DateTimeOffset now)
    {
        if (_disk is { } cached && now - cached.At < DiskRefreshInterval)
        {
            return (cached.Stores, cached.Free);
        }

        var layout = DataFolderLayout.From(options.Value);
        var measured = (At: now, Stores: (IReadOnlyList<StoreDiskUsage>)DiskUsage(layout), Free: FreeDisk(layout.DataDirectory));
        _disk = measured;
        return (measured.Stores, measured.Free);
    }

    public async Task<MonitorHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var reasons = new List<MonitorHealthReason>();
        var notes = new List<string>();
        var thresholds = options.Value.Monitoring;
        void Add(HealthStatus status, string check, string message) => reasons.Add(new MonitorHealthReason(status, check, message));

        MonitorSnapshot? snapshot = null;
        try
        {
            snapshot = await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Add(HealthStatus.Unhealthy, "stores", $"The job store cannot be read: {ex.Message}");
        }

        await CheckStoresAsync(Add, notes, cancellationToken).ConfigureAwait(false);
        if (snapshot is not null)
        {
            CheckQueue(snapshot, thresholds, Add);
            if (snapshot.FreeDiskBytes is { } free && free < thresholds.MinFreeDiskMegabytes * 1024L * 1024)
            {
                Add(HealthStatus.Unhealthy, "disk", $"{free / (1024 * 1024)} MB free on the disk of the data folder, under DocPipeline:Monitoring:MinFreeDiskMegabytes ({thresholds.MinFreeDiskMegabytes}).");
            }
        }

        foreach (var incident in alerts?.Open ?? new Dictionary<string, string>())
        {
            if (!reasons.Any(r => r.Check == incident.Key))
            {
                Add(HealthStatus.Degraded, incident.Key, incident.Value);
            }
        }

        var ordered = reasons.OrderByDescending(r => r.Status == HealthStatus.Unhealthy).ToList();
        var status = ordered.Count == 0 ? HealthStatus.Healthy : ordered.Any(r => r.Status == HealthStatus.Unhealthy) ? HealthStatus.Unhealthy : HealthStatus.Degraded;
        return new MonitorHealth(status, ordered, notes);
    }

    /// <summary>What the gauges and alerts need, read at each heartbeat; also the start of every snapshot.</summary>
    internal async Task<(DateTimeOffset Now, JobStatusCounts Counts, PendingJobsSummary Pending, IReadOnlyList<MonitoredWorker> Workers, IReadOnlyList<JobRecord> Running)> ReadQueueAsync(CancellationToken cancellationToken)
    {
        var counts = await jobs.GetCountsAsync(null, cancellationToken).ConfigureAwait(false);
        var pending = counts.Pending == 0 ? new PendingJobsSummary(null, 0, []) : await jobs.GetPendingSummaryAsync(cancellationToken).ConfigureAwait(false);
        var running = counts.Processing == 0 ? [] : await jobs.ListAsync(new JobQuery { Status = JobStatus.Processing, Limit = 100 }, cancellationToken).ConfigureAwait(false);
        var recorded = heartbeats is null ? [] : await heartbeats.ListWorkersAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var expiry = options.Value.Monitoring.WorkerExpiry;
        var workers = recorded.Select(h =>
        {
            var held = running.Where(j => j.LeaseOwner == h.WorkerId).ToList();
            var state = h.Stopped ? MonitoredWorker.Stopped
                : now - h.SeenAt > expiry ? MonitoredWorker.Gone
                : held.Any(j => j.LeaseExpiresAt < now) ? MonitoredWorker.Stuck
                : MonitoredWorker.Alive;
            return new MonitoredWorker(state, h, held.Count);
        }).ToList();
        return (now, counts, pending, workers, running);
    }

    /// <summary>Jobs completed and failed, and chunks, per second over 1, 5 and 15 minutes, summed over every worker's activity slots.</summary>
    internal static IReadOnlyList<Throughput> ThroughputOf(IEnumerable<WorkerHeartbeat> workers, DateTimeOffset now)
    {
        var slots = workers.SelectMany(w => w.Activity).ToList();
        return Windows.Select(minutes =>
        {
            var since = now - TimeSpan.FromMinutes(minutes);
            var inWindow = slots.Where(s => s.Slot >= since).ToList();
            var seconds = minutes * 60.0;
            return new Throughput(
                minutes,
                Math.Round(inWindow.Sum(s => s.Completed) / seconds, 2),
                Math.Round(inWindow.Sum(s => s.ChunksEmbedded + s.ChunksReused) / seconds, 2),
                inWindow.Sum(s => s.Failed));
        }).ToList();
    }

    /// <summary>The failed share of finished jobs over the last 15 minutes, and how many finished; from the heartbeats.</summary>
    internal static (double Rate, long Finished) FailureRate(IEnumerable<WorkerHeartbeat> workers, DateTimeOffset now)
    {
        var since = now - TimeSpan.FromMinutes(15);
        var slots = workers.SelectMany(w => w.Activity).Where(s => s.Slot >= since).ToList();
        var failed = slots.Sum(s => s.Failed);
        var finished = failed + slots.Sum(s => s.Completed);
        return (finished == 0 ? 0 : (double)failed / finished, finished);
    }

    private static EmbeddingStatistics EmbeddingOf(IEnumerable<WorkerHeartbeat> workers) => workers.Aggregate(
        EmbeddingStatistics.Empty,
        (sum, w) => sum.Add(new EmbeddingStatistics
        {
            Calls = w.EmbeddingCalls,
            Texts = w.EmbeddingTexts,
            InputTokens = w.EmbeddingInputTokens,
            RateLimited = w.EmbeddingRateLimited,
            RateLimitWait = TimeSpan.FromMilliseconds(w.EmbeddingRateLimitWaitMs),
        }));

    private static (long Embedded, long Reused) ChunksIn(IEnumerable<WorkerHeartbeat> workers, DateTimeOffset since)
    {
        var slots = workers.SelectMany(w => w.Activity).Where(s => s.Slot >= since).ToList();
        return (slots.Sum(s => s.ChunksEmbedded), slots.Sum(s => s.ChunksReused));
    }

    /// <summary>
    /// The step latencies of the last interval of every worker seen in the last 15 minutes, merged: counts add up,
    /// percentiles are count-weighted means (an approximation), the maximum is the largest.
    /// </summary>
    private static IReadOnlyList<WorkerStepLatency> MergeLatencies(IEnumerable<MonitoredWorker> workers, DateTimeOffset now) =>
        workers.Where(w => now - w.Heartbeat.SeenAt <= TimeSpan.FromMinutes(15))
            .SelectMany(w => w.Heartbeat.StepLatencies)
            .GroupBy(l => l.Step, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var count = g.Sum(l => l.Count);
                double Weighted(Func<WorkerStepLatency, double> value) => count == 0 ? 0 : Math.Round(g.Sum(l => value(l) * l.Count) / count, 3);
                return new WorkerStepLatency(g.Key, count, Weighted(l => l.P50Ms), Weighted(l => l.P95Ms), Weighted(l => l.P99Ms), g.Max(l => l.MaxMs));
            })
            .ToList();

    private async Task<IReadOnlyList<MonitoredBatch>> BatchesAsync(IReadOnlyList<JobRecord> running, IReadOnlyList<Throughput> throughput, CancellationToken cancellationToken)
    {
        // The batches being worked on: those of the running jobs (a batch whose jobs all wait shows once one runs).
        var ids = running.Select(j => j.BatchId).OfType<string>().Distinct(StringComparer.Ordinal).Take(10).ToList();
        var rate = throughput.First(t => t.WindowMinutes == 5).DocumentsPerSecond;
        var batches = new List<MonitoredBatch>(ids.Count);
        foreach (var id in ids)
        {
            var counts = await jobs.GetCountsAsync(id, cancellationToken).ConfigureAwait(false);
            var progress = counts.Total == 0 ? 1 : Math.Round((double)(counts.Total - counts.Active) / counts.Total, 4);
            batches.Add(new MonitoredBatch(id, counts, progress, rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling(counts.Active / rate)) : null));
        }

        return batches;
    }

    private static void CheckQueue(MonitorSnapshot snapshot, MonitoringOptions thresholds, Action<HealthStatus, string, string> add)
    {
        foreach (var worker in snapshot.Workers.Where(w => w.State == MonitoredWorker.Stuck))
        {
            add(HealthStatus.Degraded, "workers", $"Worker {worker.Heartbeat.WorkerId} records its heartbeat but holds a lease that expired without renewal.");
        }

        if (snapshot.Jobs.Failed >= thresholds.FailedJobsDegradedThreshold)
        {
            add(HealthStatus.Degraded, "failed_jobs", $"{snapshot.Jobs.Failed} job(s) failed for good ('docpipe jobs list --status failed' shows why; 'docpipe jobs retry' runs them again).");
        }

        var (rate, finished) = FailureRate(snapshot.Workers.Select(w => w.Heartbeat), snapshot.At);
        if (finished > 0 && rate > 0 && rate >= thresholds.FailureRateThreshold)
        {
            add(HealthStatus.Degraded, "failure_rate", $"{rate:P0} of the {finished} jobs finished in the last 15 minutes failed (DocPipeline:Monitoring:FailureRateThreshold is {thresholds.FailureRateThreshold:P0}).");
        }

        if (snapshot.OldestPendingAge is { } age && age >= thresholds.OldestPendingAgeThreshold)
        {
            add(HealthStatus.Degraded, "oldest_pending", $"The oldest pending job has waited {age:g} (DocPipeline:Monitoring:OldestPendingAgeThreshold is {thresholds.OldestPendingAgeThreshold:g}).");
        }
    }

    private async Task CheckStoresAsync(Action<HealthStatus, string, string> add, List<string> notes, CancellationToken cancellationToken)
    {
        foreach (var store in storeHealth.Where(s => s.IsInUse))
        {
            var health = await store.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            if (health.State != StoreHealthState.Healthy)
            {
                add(HealthStatus.Unhealthy, "stores", health.Reason ?? $"The {store.Name} store cannot be used.");
            }
        }

        await TryStoreAsync("registry", () => services.GetRequiredService<ISettingsStore>().GetSettingAsync(RegistrySettings.Embedder, cancellationToken), add).ConfigureAwait(false);
        await TryStoreAsync("fingerprint store", () => services.GetRequiredService<IFingerprintStore>().GetAsync(string.Empty, cancellationToken), add).ConfigureAwait(false);
        long vectors = -1, keywords = -1;
        await TryStoreAsync("vector index", async () => vectors = (await services.GetRequiredService<IVectorIndex>().GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Entries, add).ConfigureAwait(false);
        await TryStoreAsync("keyword index", async () => keywords = (await services.GetRequiredService<IKeywordIndex>().GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Entries, add).ConfigureAwait(false);
        if (vectors >= 0 && keywords >= 0)
        {
            if (vectors != keywords)
            {
                add(HealthStatus.Degraded, "consistency", $"The vector index holds {vectors} chunks and the keyword index {keywords}; 'docpipe manage --verify' shows the difference.");
            }
            else
            {
                notes.Add($"Both indexes hold {vectors} chunks. No verify result is recorded, so the consistency state is otherwise unknown; 'docpipe manage --verify' checks it.");
            }
        }
    }

    private static async Task TryStoreAsync(string name, Func<Task> read, Action<HealthStatus, string, string> add)
    {
        try
        {
            await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            add(HealthStatus.Unhealthy, "stores", $"The {name} cannot be read: {ex.Message}");
        }
    }

    private static List<StoreDiskUsage> DiskUsage(DataFolderLayout layout)
    {
        var usage = new List<StoreDiskUsage>();
        foreach (var store in DataFolderLayout.StoreOrder)
        {
            var path = layout.TargetOf(store);
            long bytes = 0;
            if (File.Exists(path))
            {
                bytes = new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
            }
            else if (Directory.Exists(path))
            {
                bytes = new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).Sum(SafeLength);
            }
            else
            {
                continue;
            }

            usage.Add(new StoreDiskUsage(store, path, bytes));
        }

        return usage;
    }

    private static long SafeLength(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            // Replaced by a commit while we looked.
            return 0;
        }
    }

    private static long? FreeDisk(string directory)
    {
        try
        {
            return Directory.Exists(directory) ? new DriveInfo(directory).AvailableFreeSpace : null;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
