using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.Jobs;

/// <summary>
/// A volatile job store with the same semantics as the SQLite store, for tests and throwaway runs. Jobs are lost when
/// the process ends, so it is never a default: choose it with <c>UseInMemoryJobStore()</c>.
/// </summary>
/// <remarks>One lock guards every job; claims scan all jobs, which is fine for the thousands a test holds.</remarks>
internal sealed class InMemoryJobStore : IJobStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _jobs = new(StringComparer.Ordinal);
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
                foreach (var pending in _jobs.Values.Where(j => j.Status == JobStatus.Pending && j.DocumentId == request.DocumentId))
                {
                    pending.Finish(JobStatus.Cancelled, JobRules.SupersededBy(record.Id), nowMs);
                }

                var entry = new Entry(record);
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
            foreach (var job in _jobs.Values.Where(j => j.Status == JobStatus.Processing && j.LeaseExpiresAt <= now).ToList())
            {
                if (job.CancelRequested)
                {
                    job.Finish(JobStatus.Cancelled, JobRules.CancelledLeaseExpired, now);
                }
                else if (job.Attempts >= job.MaxAttempts)
                {
                    job.Finish(JobStatus.Failed, JobRules.LeaseExpired(job.Attempts, job.Error), now);
                }
            }

            var candidates = _jobs.Values
                .Where(j => (j.Status == JobStatus.Pending && j.NextAttemptAt <= now)
                    || (j.Status == JobStatus.Processing && j.LeaseExpiresAt <= now && j.Attempts < j.MaxAttempts))
                .OrderByDescending(j => j.Priority)
                .ThenBy(j => j.NextAttemptAt)
                .ThenBy(j => j.Sequence)
                .ToList();
            var claimedDocuments = new HashSet<string>(StringComparer.Ordinal);
            foreach (var job in candidates)
            {
                if (leases.Count == request.MaxJobs)
                {
                    break;
                }

                var siblings = _jobs.Values
                    .Where(j => j.DocumentId == job.DocumentId && j != job && j.Status is JobStatus.Pending or JobStatus.Processing)
                    .Select(j => new JobSibling(j.Id, j.Sequence, j.Status == JobStatus.Processing, j.LeaseExpiresAt));
                var (decision, supersededBy) = JobRules.Decide(job.Sequence, siblings, now, claimedDocuments.Contains(job.DocumentId));
                if (decision == ClaimDecision.Supersede)
                {
                    job.Finish(JobStatus.Cancelled, JobRules.SupersededBy(supersededBy!), now);
                }
                else if (decision == ClaimDecision.Claim)
                {
                    claimedDocuments.Add(job.DocumentId);
                    job.Status = JobStatus.Processing;
                    job.Attempts++;
                    job.LeaseOwner = request.Owner;
                    job.LeaseToken = JobRules.NewLeaseToken();
                    job.LeaseExpiresAt = expires;
                    job.CancelRequested = false;
                    job.UpdatedAt = now;
                    leases.Add(new JobLease { Job = job.ToRecord(), Owner = request.Owner, Token = job.LeaseToken, ExpiresAt = JobTime.FromUnixMs(expires) });
                }
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
                job.Status = JobStatus.Pending;
                job.Error = error;
                job.NextAttemptAt = now + JobTime.ToMs(_settings.RetryDelay(job.Attempts));
                job.UpdatedAt = now;
                job.ClearLease();
                return Task.FromResult(JobFailureOutcome.RetryScheduled);
            }

            job.Finish(JobStatus.Failed, error, now);
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
                    job.Finish(JobStatus.Cancelled, JobRules.CancelledBeforeStart, Now());
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
            job.Status = JobStatus.Pending;
            job.Attempts = 0;
            job.NextAttemptAt = now;
            job.FinishedAt = null;
            job.Result = null;
            job.CancelRequested = false;
            job.UpdatedAt = now;
            job.ClearLease();
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<JobRecord>>(_jobs.Values
                .Where(j => j.Status == JobStatus.Processing && j.LeaseExpiresAt <= now)
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
            foreach (var job in _jobs.Values.Where(j => j.Status == JobStatus.Processing && j.LeaseOwner == owner && j.LeaseExpiresAt > now))
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

            job.UpdatedAt = Now();
            change(job);
            return Task.FromResult(true);
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
