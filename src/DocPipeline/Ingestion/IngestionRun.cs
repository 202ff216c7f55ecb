using System.Collections.Concurrent;
using DocPipeline.Embeddings;

namespace DocPipeline.Ingestion;

/// <summary>
/// The live tally of one ingestion run in this process: counters the job handler and the discovery step update, the
/// first failures and skip reasons, and progress reports throttled for the receiver.
/// </summary>
internal sealed class IngestionRun
{
    /// <summary>The most failures and skip reasons kept in a result; the counters count all.</summary>
    public const int MaxListed = 1000;

    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    private readonly IProgress<IngestProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<IngestFailure> _failures = new();
    private readonly ConcurrentQueue<IngestSkip> _skips = new();
    private long _discovered;
    private long _queued;
    private long _added;
    private long _updated;
    private long _skipped;
    private long _failed;
    private long _removed;
    private long _embedded;
    private long _reused;
    private long _lastReport;
    private volatile bool _discoveryComplete;

    public IngestionRun(string batchId, IProgress<IngestProgress>? progress, TimeProvider time)
    {
        BatchId = batchId;
        _progress = progress;
        _time = time;
        StartedAt = time.GetTimestamp();
    }

    public string BatchId { get; }

    /// <summary>Gets a value indicating whether every change is reported, not one per 100 ms (<c>DocPipeline:Monitoring:DetailedProgress</c>).</summary>
    public bool ReportEveryChange { get; init; }

    public long StartedAt { get; }

    public void Discovered(long count = 1) => Bump(ref _discovered, count);

    public void Queued(long count) => Bump(ref _queued, count);

    public void Skipped(IngestSkip? reason = null)
    {
        if (reason is not null && _skips.Count < MaxListed)
        {
            _skips.Enqueue(reason);
        }

        Bump(ref _skipped, 1);
    }

    public void Failed(IngestFailure failure)
    {
        if (_failures.Count < MaxListed)
        {
            _failures.Enqueue(failure);
        }

        Bump(ref _failed, 1);
    }

    public void Removed(long count) => Bump(ref _removed, count);

    public void Completed(JobOutcome outcome)
    {
        Interlocked.Add(ref _embedded, outcome.Embedded);
        Interlocked.Add(ref _reused, outcome.Reused);
        switch (outcome.Kind)
        {
            case JobOutcome.Added:
                Bump(ref _added, 1);
                break;
            case JobOutcome.Updated:
                Bump(ref _updated, 1);
                break;
            default:
                Bump(ref _skipped, 1);
                break;
        }
    }

    public void DiscoveryFinished()
    {
        _discoveryComplete = true;
        Report(force: true);
    }

    /// <summary>Gets the process's embedding counters when the run started; the run's share is what they grew by.</summary>
    public EmbeddingStatistics EmbeddingAtStart { get; init; } = EmbeddingStatistics.Empty;

    public IngestResult ToResult(IReadOnlyList<IngestFailure> jobFailures, long jobFailureCount, long cancelledJobs, IReadOnlyList<IngestSkip>? superseded = null, long supersededCount = 0) => new()
    {
        Total = Interlocked.Read(ref _discovered),
        Added = Interlocked.Read(ref _added),
        Updated = Interlocked.Read(ref _updated),
        Skipped = Interlocked.Read(ref _skipped) + cancelledJobs - supersededCount,
        Superseded = supersededCount,
        SupersededBy = superseded ?? [],
        Removed = Interlocked.Read(ref _removed),
        Failed = Interlocked.Read(ref _failed) + jobFailureCount,
        Failures = _failures.Concat(jobFailures).Take(MaxListed).ToList(),
        SkipReasons = _skips.ToList(),
        ChunksEmbedded = Interlocked.Read(ref _embedded),
        ChunksReused = Interlocked.Read(ref _reused),
        Duration = _time.GetElapsedTime(StartedAt),
    };

    public void Report(bool force = false)
    {
        if (_progress is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        if (!force && !ReportEveryChange && _time.GetElapsedTime(last, now) < ReportInterval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastReport, now, last) != last && !force && !ReportEveryChange)
        {
            return;
        }

        _progress.Report(new IngestProgress(
            Interlocked.Read(ref _discovered),
            Interlocked.Read(ref _queued),
            Interlocked.Read(ref _added),
            Interlocked.Read(ref _updated),
            Interlocked.Read(ref _skipped),
            Interlocked.Read(ref _failed),
            Interlocked.Read(ref _embedded),
            _discoveryComplete));
    }

    private void Bump(ref long counter, long count)
    {
        Interlocked.Add(ref counter, count);
        Report();
    }
}
