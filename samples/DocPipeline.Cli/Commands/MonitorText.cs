using System.Globalization;
using DocPipeline.Jobs;
using DocPipeline.Monitoring;

namespace DocPipeline.Cli.Commands;

/// <summary>The text and JSON of each monitor view.</summary>
internal static class MonitorText
{
    /// <summary>The one line per interval of the live view when output is redirected.</summary>
    public static string Line(MonitorSnapshot s)
    {
        var j = s.Jobs;
        var one = s.Throughput.FirstOrDefault(t => t.WindowMinutes == 1);
        var alive = s.Workers.Count(w => w.State is MonitoredWorker.Alive or MonitoredWorker.Stuck);
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.At:HH:mm:ss} pending {j.Pending} processing {j.Processing} completed {j.Completed} failed {j.Failed} cancelled {j.Cancelled} | " +
            $"{one?.DocumentsPerSecond ?? 0} docs/s {one?.ChunksPerSecond ?? 0} chunks/s (1m) | workers {alive} alive {s.Workers.Count(w => w.State == MonitoredWorker.Gone)} gone | " +
            $"oldest pending {Age(s.OldestPendingAge)}{(s.Queue.IsPaused ? " | PAUSED" : string.Empty)}");
    }

    public static IEnumerable<string> Lines(MonitorView view, MonitorSnapshot s) => view switch
    {
        MonitorView.Jobs => JobLines(s),
        MonitorView.Performance => PerformanceLines(s),
        MonitorView.Resources => ResourceLines(s),
        _ => LiveLines(s),
    };

    public static object Json(MonitorView view, MonitorSnapshot s) => view switch
    {
        MonitorView.Jobs => new { s.At, s.Jobs, s.Queue, s.Pending, OldestPendingAgeSeconds = s.OldestPendingAge?.TotalSeconds, s.Running, s.RecentFailures },
        MonitorView.Performance => new { s.At, s.Throughput, s.StepLatencies, s.EmbeddingCacheHitRate, s.Embedding },
        MonitorView.Resources => new { s.At, s.Workers, s.Stores, s.FreeDiskBytes },
        _ => s,
    };

    private static IEnumerable<string> LiveLines(MonitorSnapshot s)
    {
        var j = s.Jobs;
        yield return $"jobs: pending {j.Pending}, processing {j.Processing}, completed {j.Completed}, failed {j.Failed}, cancelled {j.Cancelled}{(s.Queue.IsPaused ? "  (queue PAUSED)" : string.Empty)}";
        yield return $"oldest pending: {Age(s.OldestPendingAge)}; retries waiting: {s.Pending.RetriesWaiting}";
        yield return "throughput: " + string.Join("   ", s.Throughput.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.WindowMinutes}m {t.DocumentsPerSecond} docs/s {t.ChunksPerSecond} chunks/s")));
        yield return "embedding cache hit rate (15m): " + (s.EmbeddingCacheHitRate is { } rate ? rate.ToString("P1", CultureInfo.InvariantCulture) : "-");
        foreach (var batch in s.Batches)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"batch {batch.BatchId}: {batch.Progress:P0} ({batch.Jobs.Total - batch.Jobs.Active}/{batch.Jobs.Total}), ETA {Age(batch.Eta)}");
        }

        yield return $"workers: {s.Workers.Count(w => w.State == MonitoredWorker.Alive)} alive, {s.Workers.Count(w => w.State == MonitoredWorker.Stuck)} stuck, {s.Workers.Count(w => w.State == MonitoredWorker.Stopped)} stopped, {s.Workers.Count(w => w.State == MonitoredWorker.Gone)} gone";
        foreach (var w in s.Workers.Take(8))
        {
            yield return $"  {w.State,-7} {w.Heartbeat.Host} pid {w.Heartbeat.ProcessId}: {w.Leases} leases, {w.Heartbeat.JobsCompleted} completed, {w.Heartbeat.JobsFailed} failed, seen {Age(s.At - w.Heartbeat.SeenAt)} ago";
        }

        yield return "indexes: " + string.Join(", ", s.Stores.Select(d => $"{d.Store} {Size(d.Bytes)}"));
        if (s.RecentFailures.Count > 0)
        {
            yield return "last failures:";
            foreach (var failure in s.RecentFailures.Take(5))
            {
                yield return $"  {failure.Source}: {Shorten(failure.Error)}";
            }
        }
    }

    private static IEnumerable<string> JobLines(MonitorSnapshot s)
    {
        var j = s.Jobs;
        yield return $"by state: pending {j.Pending}, processing {j.Processing}, completed {j.Completed}, failed {j.Failed}, cancelled {j.Cancelled}";
        yield return "pending by priority: " + (s.Pending.ByPriority.Count == 0 ? "-" : string.Join(", ", s.Pending.ByPriority.Select(p => $"{p.Priority}: {p.Count}")));
        yield return $"oldest pending: {Age(s.OldestPendingAge)}; retries waiting: {s.Pending.RetriesWaiting}; queue {(s.Queue.IsPaused ? "paused" : "running")}";
        yield return $"running ({s.Running.Count}):";
        foreach (var job in s.Running.Take(20))
        {
            yield return $"  {job.Id} {job.Source} attempt {job.Attempts}/{job.MaxAttempts}, lease {job.LeaseOwner} until {job.LeaseExpiresAt:HH:mm:ss}";
        }

        yield return $"failed ({j.Failed}):";
        foreach (var failure in s.RecentFailures)
        {
            yield return $"  {failure.Id} {failure.Source} after {failure.Attempts} attempts: {Shorten(failure.Error)}";
        }
    }

    private static IEnumerable<string> PerformanceLines(MonitorSnapshot s)
    {
        foreach (var t in s.Throughput)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"last {t.WindowMinutes,2} min: {t.DocumentsPerSecond} docs/s, {t.ChunksPerSecond} chunks/s, {t.Failed} failed");
        }

        yield return "embedding cache hit rate (15m): " + (s.EmbeddingCacheHitRate is { } rate ? rate.ToString("P1", CultureInfo.InvariantCulture) : "-");
        yield return "embedding (listed workers): " + EmbeddingView.Line(s.Embedding);
        yield return "step latencies, last heartbeat interval of each worker seen in the last 15 minutes (ms):";
        if (s.StepLatencies.Count == 0)
        {
            yield return "  none recorded";
        }

        foreach (var l in s.StepLatencies)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  {l.Step,-16} n={l.Count,-6} p50 {l.P50Ms,8:0.0} p95 {l.P95Ms,8:0.0} p99 {l.P99Ms,8:0.0} max {l.MaxMs,8:0.0}");
        }
    }

    private static IEnumerable<string> ResourceLines(MonitorSnapshot s)
    {
        yield return "workers:";
        foreach (var w in s.Workers.Where(w => w.State is not MonitoredWorker.Gone and not MonitoredWorker.Stopped))
        {
            var h = w.Heartbeat;
            yield return string.Create(CultureInfo.InvariantCulture, $"  {h.Host} pid {h.ProcessId}: CPU {h.CpuPercent}%, RSS {Size(h.WorkingSetBytes)}, GC heap {Size(h.GcHeapBytes)}, read {Size(h.BytesRead)}, {h.JobsInFlight} in flight");
        }

        yield return "disk:";
        foreach (var d in s.Stores)
        {
            yield return $"  {d.Store,-12} {Size(d.Bytes),10}  {d.Path}";
        }

        yield return $"free disk: {(s.FreeDiskBytes is { } free ? Size(free) : "unknown")}";
    }

    private static string Age(TimeSpan? age) => age is not { } a ? "-"
        : a.TotalHours >= 1 ? $"{(int)a.TotalHours}h{a.Minutes:00}m"
        : a.TotalMinutes >= 1 ? $"{(int)a.TotalMinutes}m{a.Seconds:00}s"
        : $"{Math.Max(0, (int)a.TotalSeconds)}s";

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => $"{bytes} B",
    };

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 100 ? text : text[..97] + "...";
}
