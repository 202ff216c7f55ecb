using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.Jobs;

/// <summary>
/// A volatile job store with the same semantics as the SQLite store, for tests and throwaway runs. Jobs are lost when
/// the process ends, so it is never a default: choose it with <c>UseInMemoryJobStore()</c>.
/// </summary>
/// <remarks>One lock guards every job and the indexes that make claims cheap.</remarks>
internal sealed partial class InMemoryJobStore : IJobStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    // Indexes over the active jobs, kept in step by Change(): claims walk _pending in claim order and stop early, and
    // per-document checks look at one document's jobs, so a claim does not scan every job.
    private readonly SortedSet<Entry> _pending = new(ClaimOrder.Instance);
    private readonly HashSet<Entry> _processing = [];
    private readonly Dictionary<string, HashSet<Entry>> _activeByDocument = new(StringComparer.Ordinal);
    private readonly JobStoreSettings _settings;
    private readonly TimeProvider _time;
    private long _sequence;

    /// <summary>Creates an empty store configured by <see cref="DocPipelineOptions.Queue"/>.</summary>
    public InMemoryJobStore(IOptions<DocPipelineOptions> options, TimeProvider time)
        : this(JobStoreSettings.From((options ?? throw new ArgumentNullException(nameof(options))).Value.Queue), time)
    {
    }

    /// <summary>Creates an empty store with explicit settings; for tests.</summary>
    internal InMemoryJobStore(JobStoreSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _time = time;
    }

    public Task<IReadOnlyList<JobRecord>> CreateAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default)
    {
        JobRules.ValidateRequests(requests);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var nowMs = JobTime.ToUnixMs(now);
        var created = new List<JobRecord>(requests.Count);
        lock (_lock)
        {
            foreach (var request in requests)
            {
                var record = _settings.NewJob(request, now) with { Sequence = ++_sequence };
                foreach (var pending in ActiveJobsOf(request.DocumentId).Where(j => j.Status == JobStatus.Pending).ToList())
                {
                    Change(pending, j => j.Finish(JobStatus.Cancelled, JobRules.SupersededBy(record.Id), nowMs));
                }

                var entry = new Entry(record);
                Index(entry);
                _jobs.Add(record.Id, entry);
                created.Add(record);
            }
        }

        return Task.FromResult<IReadOnlyList<JobRecord>>(created);
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        lock (_lock)
        {
            return Task.FromResult(_jobs.TryGetValue(jobId, out var entry) ? entry.ToRecord() : null);
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<JobRecord>>(_jobs.Values
                .Where(j => (query.Status is null || j.Status == query.Status)
                    && (query.BatchId is null || j.BatchId == query.BatchId)
                    && (query.DocumentId is null || j.DocumentId == query.DocumentId))
                .OrderByDescending(j => j.Sequence)
                .Take(query.Limit)
                .Select(j => j.ToRecord())
                .ToList());
        }
    }

    public Task<JobStatusCounts> GetCountsAsync(string? batchId = null, CancellationToken cancellationToken = default)
    {
        var counts = new long[5];
        lock (_lock)
        {
            foreach (var job in _jobs.Values.Where(j => batchId is null || j.BatchId == batchId))
            {
                counts[(int)job.Status]++;
            }
        }

        return Task.FromResult(new JobStatusCounts(
            counts[(int)JobStatus.Pending],
            counts[(int)JobStatus.Processing],
            counts[(int)JobStatus.Completed],
            counts[(int)JobStatus.Failed],
            counts[(int)JobStatus.Cancelled]));
    }

    public Task<IReadOnlyList<JobLease>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default)
    {
        JobRules.ValidateClaim(request);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        var expires = now + JobTime.ToMs(request.LeaseDuration);
        var leases = new List<JobLease>();
        lock (_lock)
        {
            if (_pause.IsPaused)
            {
                return Task.FromResult<IReadOnlyList<JobLease>>(leases);
            }

            var expired = _processing.Where(j => j.LeaseExpiresAt <= now).ToList();
            foreach (var job in expired)
            {
                if (job.CancelRequested)
                {
                    Change(job, j => j.Finish(JobStatus.Cancelled, JobRules.CancelledLeaseExpired, now));
                }
                else if (job.Attempts >= job.MaxAttempts)
                {
                    Change(job, j => j.Finish(JobStatus.Failed, JobRules.LeaseExpired(j.Attempts, j.Error), now));
                }
            }

            // Decide while walking the candidates in claim order, then change them (the walk reads the indexes).
            var reclaimable = expired.Where(j => j.Status == JobStatus.Processing).Order(ClaimOrder.Instance);
            var due = _pending.Where(j => j.NextAttemptAt <= now);
            var decisions = new List<(Entry Job, ClaimDecision Decision, string? SupersededBy)>();
            var claimedDocuments = new HashSet<string>(StringComparer.Ordinal);
            foreach (var job in Merge(due, reclaimable))
            {
                if (claimedDocuments.Count == request.MaxJobs)
                {
                    break;
                }

                var siblings = ActiveJobsOf(job.DocumentId)
                    .Where(j => j != job)
                    .Select(j => new JobSibling(j.Id, j.Sequence, j.Status == JobStatus.Processing, j.LeaseExpiresAt));
                var (decision, supersededBy) = JobRules.Decide(job.Sequence, siblings, now, claimedDocuments.Contains(job.DocumentId));
                if (decision == ClaimDecision.Claim)
                {
                    claimedDocuments.Add(job.DocumentId);
                }

                if (decision != ClaimDecision.Skip)
                {
                    decisions.Add((job, decision, supersededBy));
                }
            }

            foreach (var (job, decision, supersededBy) in decisions)
            {
                if (decision == ClaimDecision.Supersede)
                {
                    // A claim earlier in this batch may have retired it already.
                    if (job.Status is JobStatus.Pending or JobStatus.Processing)
                    {
                        Change(job, j => j.Finish(JobStatus.Cancelled, JobRules.SupersededBy(supersededBy!), now));
                    }

                    continue;
                }

                // Every other active job of the document is older and not under a live lease (else this one would not be
                // claimed): retire them now, or an expired holder that wakes up could renew and run beside this job.
                foreach (var stale in ActiveJobsOf(job.DocumentId).Where(j => j != job).ToList())
                {
                    Change(stale, j => j.Finish(JobStatus.Cancelled, JobRules.SupersededBy(job.Id), now));
                }

                var token = JobRules.NewLeaseToken();
                Change(job, j =>
                {
                    j.Status = JobStatus.Processing;
                    j.Attempts++;
                    j.LeaseOwner = request.Owner;
                    j.LeaseToken = token;
                    j.LeaseExpiresAt = expires;
                    j.CancelRequested = false;
                    j.UpdatedAt = now;
                });
                leases.Add(new JobLease { Job = job.ToRecord(), Owner = request.Owner, Token = token, ExpiresAt = JobTime.FromUnixMs(expires) });
            }
        }

        return Task.FromResult<IReadOnlyList<JobLease>>(leases);
    }

    public Task<LeaseRenewal> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (_lock)
        {
            if (Fenced(lease) is not { } job)
            {
                return Task.FromResult(new LeaseRenewal(false, null, false));
            }

            job.LeaseExpiresAt = Now() + JobTime.ToMs(duration);
            return Task.FromResult(new LeaseRenewal(true, JobTime.FromUnixMs(job.LeaseExpiresAt), job.CancelRequested));
        }
    }

    public Task<bool> ReportProgressAsync(JobLease lease, double progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, job => job.Progress = double.IsNaN(progress) ? 0 : Math.Clamp(progress, 0, 1));
    }

    public Task<bool> SaveCheckpointAsync(JobLease lease, string checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Update(lease, job => job.Checkpoint = checkpoint);
    }

    public Task<bool> CompleteAsync(JobLease lease, string? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, job =>
        {
            job.Result = result;
            job.Progress = 1;
            job.Finish(JobStatus.Completed, null, job.UpdatedAt);
        });
    }

    public Task<JobFailureOutcome> FailAsync(JobLease lease, JobFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_lock)
        {
            if (Fenced(lease) is not { } job)
            {
                return Task.FromResult(JobFailureOutcome.LeaseLost);
            }

            var now = Now();
            var error = failure.Error ?? string.Empty;
            if (failure.Retryable && job.Attempts < job.MaxAttempts && !job.CancelRequested)
            {
                var next = now + JobTime.ToMs(_settings.RetryDelay(job.Attempts));
                Change(job, j =>
                {
                    j.Status = JobStatus.Pending;
                    j.Error = error;
                    j.NextAttemptAt = next;
                    j.UpdatedAt = now;
                    j.ClearLease();
                });
                return Task.FromResult(JobFailureOutcome.RetryScheduled);
            }

            Change(job, j => j.Finish(JobStatus.Failed, error, now));
            return Task.FromResult(JobFailureOutcome.Failed);
        }
    }

    public Task<bool> ReleaseAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, job =>
        {
            job.Attempts = Math.Max(job.Attempts - 1, 0);
            if (job.CancelRequested)
            {
                job.Finish(JobStatus.Cancelled, JobRules.CancelledWhileRunning, job.UpdatedAt);
            }
            else
            {
                job.Status = JobStatus.Pending;
                job.ClearLease();
            }
        });
    }

    public Task<bool> ConfirmCancelledAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, job => job.Finish(JobStatus.Cancelled, JobRules.CancelledWhileRunning, job.UpdatedAt));
    }

    public Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var job))
            {
                return Task.FromResult(JobCancelResult.NotFound);
            }

            switch (job.Status)
            {
                case JobStatus.Pending:
                    Change(job, j => j.Finish(JobStatus.Cancelled, JobRules.CancelledBeforeStart, Now()));
                    return Task.FromResult(JobCancelResult.Cancelled);
                case JobStatus.Processing:
                    job.CancelRequested = true;
                    job.UpdatedAt = Now();
                    return Task.FromResult(JobCancelResult.CancelRequested);
                default:
                    return Task.FromResult(JobCancelResult.AlreadyFinished);
            }
        }
    }

    public Task<bool> RetryAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var job) || job.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            {
                return Task.FromResult(false);
            }

            var now = Now();
            Change(job, j =>
            {
                j.Status = JobStatus.Pending;
                j.Attempts = 0;
                j.NextAttemptAt = now;
                j.FinishedAt = null;
                j.Result = null;
                j.CancelRequested = false;
                j.UpdatedAt = now;
                j.ClearLease();
            });
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<JobRecord>>(_processing
                .Where(j => j.LeaseExpiresAt <= now)
                .OrderBy(j => j.Sequence)
                .Select(j => j.ToRecord())
                .ToList());
        }
    }

    public Task<int> ExpireLeasesAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var now = Now();
        var expired = 0;
        lock (_lock)
        {
            foreach (var job in _processing.Where(j => j.LeaseOwner == owner && j.LeaseExpiresAt > now))
            {
                job.LeaseExpiresAt = now;
                job.UpdatedAt = now;
                expired++;
            }
        }

        return Task.FromResult(expired);
    }

    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default)
    {
        var cutoff = JobTime.ToUnixMs(finishedBefore);
        lock (_lock)
        {
            var purged = _jobs.Values.Where(j => j.FinishedAt < cutoff).Select(j => j.Id).ToList();
            foreach (var id in purged)
            {
                _jobs.Remove(id);
                _errors.Remove(id);
            }

            return Task.FromResult(purged.Count);
        }
    }

    private long Now() => JobTime.ToUnixMs(_time.GetUtcNow());

    /// <summary>The job the lease still holds, or <see langword="null"/>; call under the lock.</summary>
    private Entry? Fenced(JobLease lease) =>
        _jobs.TryGetValue(lease.JobId, out var job) && job.Status == JobStatus.Processing && job.LeaseToken == lease.Token ? job : null;

    /// <summary>Applies <paramref name="change"/> when the lease still holds; <c>UpdatedAt</c> is set to now first.</summary>
    private Task<bool> Update(JobLease lease, Action<Entry> change)
    {
        lock (_lock)
        {
            if (Fenced(lease) is not { } job)
            {
                return Task.FromResult(false);
            }

            var now = Now();
            Change(job, j =>
            {
                j.UpdatedAt = now;
                change(j);
            });
            return Task.FromResult(true);
        }
    }

    /// <summary>Changes a job's state or due time, keeping the indexes in step; call under the lock.</summary>
    private void Change(Entry job, Action<Entry> change)
    {
        var (status, attempts) = (job.Status, job.Attempts);
        Unindex(job);
        change(job);
        Index(job);
        RecordErrorIfFailed(job, status, attempts);
    }

    private void Index(Entry job)
    {
        if (job.Status is not (JobStatus.Pending or JobStatus.Processing))
        {
            return;
        }

        if (job.Status == JobStatus.Pending)
        {
            _pending.Add(job);
        }
        else
        {
            _processing.Add(job);
        }

        if (!_activeByDocument.TryGetValue(job.DocumentId, out var active))
        {
            _activeByDocument[job.DocumentId] = active = [];
        }

        active.Add(job);
    }

    private void Unindex(Entry job)
    {
        _pending.Remove(job);
        _processing.Remove(job);
        if (_activeByDocument.TryGetValue(job.DocumentId, out var active) && active.Remove(job) && active.Count == 0)
        {
            _activeByDocument.Remove(job.DocumentId);
        }
    }

    private IEnumerable<Entry> ActiveJobsOf(string documentId) =>
        _activeByDocument.TryGetValue(documentId, out var active) ? active : [];

    /// <summary>Merges two sequences that are each in claim order into one, lazily.</summary>
    private static IEnumerable<Entry> Merge(IEnumerable<Entry> first, IEnumerable<Entry> second)
    {
        using var a = first.GetEnumerator();
        using var b = second.GetEnumerator();
        var hasA = a.MoveNext();
        var hasB = b.MoveNext();
        while (hasA || hasB)
        {
            if (hasA && (!hasB || ClaimOrder.Instance.Compare(a.Current, b.Current) <= 0))
            {
                yield return a.Current;
                hasA = a.MoveNext();
            }
            else
            {
                yield return b.Current;
                hasB = b.MoveNext();
            }
        }
    }

    /// <summary>Claim order: priority (higher first), then due time, then creation order.</summary>
    private sealed class ClaimOrder : IComparer<Entry>
    {
        public static readonly ClaimOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var byPriority = y.Priority.CompareTo(x.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byDueTime = x.NextAttemptAt.CompareTo(y.NextAttemptAt);
            return byDueTime != 0 ? byDueTime : x.Sequence.CompareTo(y.Sequence);
        }
    }

    /// <summary>The mutable state of one job; only touched under the store's lock.</summary>
    private sealed class Entry(JobRecord created)
    {
        public string Id { get; } = created.Id;

        public string DocumentId { get; } = created.DocumentId;

        public string Source { get; } = created.Source;

        public JobType Type { get; } = created.Type;

        public int Priority { get; } = created.Priority;

        public JobStatus Status { get; set; } = created.Status;

        public int Attempts { get; set; }

        public int MaxAttempts { get; } = created.MaxAttempts;

        public double Progress { get; set; }

        public string? Error { get; set; }

        public string? Checkpoint { get; set; }

        public string? Payload { get; } = created.Payload;

        public string? Result { get; set; }

        public string? BatchId { get; } = created.BatchId;

        public long Sequence { get; } = created.Sequence;

        public long CreatedAt { get; } = JobTime.ToUnixMs(created.CreatedAt);

        public long UpdatedAt { get; set; } = JobTime.ToUnixMs(created.UpdatedAt);

        public long NextAttemptAt { get; set; } = JobTime.ToUnixMs(created.NextAttemptAt);

        public long? FinishedAt { get; set; }

        public string? LeaseOwner { get; set; }

        public string? LeaseToken { get; set; }

        public long? LeaseExpiresAt { get; set; }

        public bool CancelRequested { get; set; }

        public void ClearLease()
        {
            LeaseToken = null;
            LeaseExpiresAt = null;
        }

        public void Finish(JobStatus status, string? error, long now)
        {
            Status = status;
            Error = error;
            FinishedAt = now;
            UpdatedAt = now;
            ClearLease();
        }

        public JobRecord ToRecord() => new()
        {
            Id = Id,
            DocumentId = DocumentId,
            Source = Source,
            Type = Type,
            Priority = Priority,
            Status = Status,
            Attempts = Attempts,
            MaxAttempts = MaxAttempts,
            Progress = Progress,
            Error = Error,
            Checkpoint = Checkpoint,
            Payload = Payload,
            Result = Result,
            BatchId = BatchId,
            Sequence = Sequence,
            CreatedAt = JobTime.FromUnixMs(CreatedAt),
            UpdatedAt = JobTime.FromUnixMs(UpdatedAt),
            NextAttemptAt = JobTime.FromUnixMs(NextAttemptAt),
            FinishedAt = JobTime.FromUnixMs(FinishedAt),
            LeaseOwner = LeaseOwner,
            LeaseExpiresAt = JobTime.FromUnixMs(LeaseExpiresAt),
            CancelRequested = CancelRequested,
        };
    }
}
