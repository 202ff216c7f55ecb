using System.Globalization;
using DocPipeline.Configuration;
using DocPipeline.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using static DocPipeline.Jobs.JobStoreWords;

namespace DocPipeline.Jobs;

/// <summary>
/// The embedded job store: one table in a SQLite file (<c>jobs.db</c> under the data directory by default) that
/// several processes on one machine may share.
/// </summary>
/// <remarks>
/// <para>Every change runs as one write of <see cref="SqliteDatabase"/>, so it is one step inside a
/// <c>BEGIN IMMEDIATE</c> transaction: a claim reads the candidates and takes them before any other writer (thread or
/// process) can look, so two workers never hold the same job. Many small writes (heartbeats, completions) from one
/// process share one commit.</para>
/// <para>Times are unix milliseconds. Status and type are stored as lower-case words so the file reads well in any
/// SQLite browser.</para>
/// </remarks>
internal sealed partial class SqliteJobStore : IJobStore, Storage.IEmbeddedSqliteStore
{
    /// <inheritdoc/>
    static string Storage.IEmbeddedSqliteStore.PartName => Consistency.DataFolderLayout.Jobs;

    /// <inheritdoc/>
    static string Storage.IEmbeddedSqliteStore.StoreDescription => Description;

    /// <inheritdoc/>
    static Storage.SqliteSchema Storage.IEmbeddedSqliteStore.StoreSchema => Schema;

    /// <summary>The file's description in error messages.</summary>
    public const string Description = "job store";

    /// <summary>The schema of the <c>jobs</c> component. Never edit a shipped step; append one.</summary>
    internal static readonly SqliteSchema Schema = new("jobs",
    [
        """
        CREATE TABLE jobs (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            document_id TEXT NOT NULL,
            source TEXT NOT NULL,
            type TEXT NOT NULL,
            priority INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            progress REAL NOT NULL DEFAULT 0,
            error TEXT,
            checkpoint TEXT,
            payload TEXT,
            result TEXT,
            batch_id TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            finished_at INTEGER,
            lease_owner TEXT,
            lease_token TEXT,
            lease_expires_at INTEGER,
            cancel_requested INTEGER NOT NULL DEFAULT 0
        );
        -- The claim walks this index in claim order and stops after a few rows, however many jobs wait.
        CREATE INDEX ix_jobs_claim ON jobs (priority DESC, next_attempt_at, sequence) WHERE status = 'pending';
        -- Expired leases: reclaim, fail when out of attempts, list interrupted jobs.
        CREATE INDEX ix_jobs_lease ON jobs (lease_expires_at) WHERE status = 'processing';
        -- Per-document checks: supersede on create, busy-document and stale-job checks on claim.
        CREATE INDEX ix_jobs_document ON jobs (document_id, status);
        CREATE INDEX ix_jobs_status ON jobs (status, sequence);
        CREATE INDEX ix_jobs_batch ON jobs (batch_id, status) WHERE batch_id IS NOT NULL;
        CREATE INDEX ix_jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
        """,
        ControlStep,
        HeartbeatStep,
    ]);

    private const string Columns =
        "sequence, id, document_id, source, type, priority, status, attempts, max_attempts, progress, error, checkpoint, " +
        "payload, result, batch_id, created_at, updated_at, next_attempt_at, finished_at, lease_owner, lease_expires_at, cancel_requested";

    private const string Fence = "id = $id AND lease_token = $token AND status = 'processing'";

    private const string SupersedePendingSql =
        "UPDATE jobs SET status = 'cancelled', error = $error, finished_at = $now, updated_at = $now " +
        "WHERE document_id = $document AND status = 'pending';";

    private const string InsertSql =
        "INSERT INTO jobs (id, document_id, source, type, priority, status, max_attempts, payload, batch_id, created_at, updated_at, next_attempt_at) " +
        "VALUES ($id, $document, $source, $type, $priority, 'pending', $max, $payload, $batch, $now, $now, $now) RETURNING sequence;";

    private const string OutOfAttemptsSql =
        "SELECT id, attempts, error FROM jobs WHERE status = 'processing' AND lease_expires_at <= $now AND attempts >= max_attempts;";

    private const string FailExpiredSql =
        "UPDATE jobs SET status = 'failed', error = $error, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL " +
        "WHERE id = $id AND status = 'processing';";

    private const string CancelExpiredSql =
        "UPDATE jobs SET status = 'cancelled', error = $error, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL " +
        "WHERE status = 'processing' AND lease_expires_at <= $now AND cancel_requested = 1;";

    // The pending arm walks ix_jobs_claim in claim order and the few expired leases are sorted, so SQLite merges the two
    // arms and the claim reads only as many rows as it needs. INDEXED BY: without ANALYZE statistics the planner
    // would pick ix_jobs_status and sort every pending job on every claim.
    private const string CandidatesSql =
        "SELECT sequence, id, document_id, priority, next_attempt_at FROM jobs INDEXED BY ix_jobs_claim " +
        "WHERE status = 'pending' AND next_attempt_at <= $now " +
        "UNION ALL " +
        "SELECT sequence, id, document_id, priority, next_attempt_at FROM jobs INDEXED BY ix_jobs_lease " +
        "WHERE status = 'processing' AND lease_expires_at <= $now AND attempts < max_attempts " +
        "ORDER BY priority DESC, next_attempt_at, sequence;";

    private const string SiblingsSql =
        "SELECT id, sequence, status, lease_expires_at FROM jobs " +
        "WHERE document_id = $document AND status IN ('pending', 'processing') AND sequence <> $sequence;";

    private const string SupersedeOneSql =
        "UPDATE jobs SET status = 'cancelled', error = $error, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL " +
        "WHERE sequence = $sequence AND status IN ('pending', 'processing');";

    private const string SupersedeSiblingsSql =
        "UPDATE jobs SET status = 'cancelled', error = $error, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL " +
        "WHERE document_id = $document AND status IN ('pending', 'processing') AND sequence <> $sequence;";

    private const string ClaimSql =
        "UPDATE jobs SET status = 'processing', attempts = attempts + 1, lease_owner = $owner, lease_token = $token, " +
        "lease_expires_at = $expires, cancel_requested = 0, updated_at = $now WHERE sequence = $sequence RETURNING " + Columns + ";";

    private readonly SqliteDatabase _database;
    private readonly JobStoreSettings _settings;
    private readonly TimeProvider _time;

    /// <summary>Opens the job store configured by <see cref="QueueOptions.JobStoragePath"/> (or <c>jobs.db</c> under the data directory).</summary>
    public SqliteJobStore(SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(databases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var value = options.Value;
        _database = databases.Open(Consistency.DataFolderLayout.From(value).JobsPath, Description, Schema);
        _settings = JobStoreSettings.From(value.Queue);
        _time = time;
    }

    /// <summary>Uses an already open database (which must have <see cref="Schema"/> applied); for tests.</summary>
    internal SqliteJobStore(SqliteDatabase database, JobStoreSettings settings, TimeProvider time)
    {
        _database = database;
        _settings = settings;
        _time = time;
    }

    public Task<IReadOnlyList<JobRecord>> CreateAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default)
    {
        JobRules.ValidateRequests(requests);
        return requests.Count == 0
            ? Task.FromResult<IReadOnlyList<JobRecord>>([])
            : WriteAsync<IReadOnlyList<JobRecord>>(session => Create(session, requests), cancellationToken);
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _database.ReadAsync(session =>
        {
            var command = session.Command($"SELECT {Columns} FROM jobs WHERE id = $id;");
            command.Parameters.AddWithValue("$id", jobId);
            return ReadRecords(command).FirstOrDefault();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        var where = JobStoreWords.ListFilter(query, "", '$');
        var sql = $"SELECT {Columns} FROM jobs{where} ORDER BY sequence DESC LIMIT $limit;";
        return _database.ReadAsync<IReadOnlyList<JobRecord>>(session =>
        {
            var command = session.Command(sql);
            AddOptional(command, "$status", query.Status is { } status ? StatusName(status) : null);
            AddOptional(command, "$batch", query.BatchId);
            AddOptional(command, "$document", query.DocumentId);
            command.Parameters.AddWithValue("$limit", query.Limit);
            return ReadRecords(command);
        }, cancellationToken);
    }

    public Task<JobStatusCounts> GetCountsAsync(string? batchId = null, CancellationToken cancellationToken = default)
    {
        var sql = batchId is null
            ? "SELECT status, COUNT(*) FROM jobs GROUP BY status;"
            : "SELECT status, COUNT(*) FROM jobs WHERE batch_id = $batch GROUP BY status;";
        return _database.ReadAsync(session =>
        {
            var command = session.Command(sql);
            AddOptional(command, "$batch", batchId);
            long pending = 0, processing = 0, completed = 0, failed = 0, cancelled = 0;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var count = reader.GetInt64(1);
                switch (ParseStatus(reader.GetString(0)))
                {
                    case JobStatus.Pending: pending = count; break;
                    case JobStatus.Processing: processing = count; break;
                    case JobStatus.Completed: completed = count; break;
                    case JobStatus.Failed: failed = count; break;
                    case JobStatus.Cancelled: cancelled = count; break;
                }
            }

            return new JobStatusCounts(pending, processing, completed, failed, cancelled);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<JobLease>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default)
    {
        JobRules.ValidateClaim(request);
        return WriteAsync<IReadOnlyList<JobLease>>(session => IsPaused(session) ? [] : Claim(session, request), cancellationToken);
    }

    public Task<LeaseRenewal> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return WriteAsync(session =>
        {
            var now = Now();
            var expires = now + JobTime.ToMs(duration);
            var command = FencedCommand(session, $"UPDATE jobs SET lease_expires_at = $expires WHERE {Fence} RETURNING cancel_requested;", lease);
            command.Parameters.AddWithValue("$expires", expires);
            var cancelRequested = command.ExecuteScalar();
            return cancelRequested is null or DBNull
                ? new LeaseRenewal(false, null, false)
                : new LeaseRenewal(true, JobTime.FromUnixMs(expires), Convert.ToInt64(cancelRequested, CultureInfo.InvariantCulture) != 0);
        }, cancellationToken);
    }

    public Task<bool> ReportProgressAsync(JobLease lease, double progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var value = double.IsNaN(progress) ? 0 : Math.Clamp(progress, 0, 1);
        return FencedUpdateAsync(lease, "progress = $value, updated_at = $now", value, cancellationToken);
    }

    public Task<bool> SaveCheckpointAsync(JobLease lease, string checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return FencedUpdateAsync(lease, "checkpoint = $value, updated_at = $now", checkpoint, cancellationToken);
    }

    public Task<bool> CompleteAsync(JobLease lease, string? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return FencedUpdateAsync(
            lease,
            "status = 'completed', result = $value, error = NULL, progress = 1, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL",
            result,
            cancellationToken);
    }

    public Task<JobFailureOutcome> FailAsync(JobLease lease, JobFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return WriteAsync(session =>
        {
            var now = Now();
            var read = FencedCommand(session, $"SELECT attempts, max_attempts, cancel_requested FROM jobs WHERE {Fence};", lease);
            int attempts, maxAttempts;
            bool cancelRequested;
            using (var reader = read.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return JobFailureOutcome.LeaseLost;
                }

                attempts = reader.GetInt32(0);
                maxAttempts = reader.GetInt32(1);
                cancelRequested = reader.GetInt64(2) != 0;
            }

            var retry = JobRules.ShouldRetry(failure, attempts, maxAttempts, cancelRequested);
            var update = FencedCommand(
                session,
                retry
                    ? $"UPDATE jobs SET status = 'pending', error = $error, next_attempt_at = $next, updated_at = $now, lease_token = NULL, lease_expires_at = NULL WHERE {Fence};"
                    : $"UPDATE jobs SET status = 'failed', error = $error, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL WHERE {Fence};",
                lease);
            update.Parameters.AddWithValue("$error", failure.Error ?? string.Empty);
            update.Parameters.AddWithValue("$now", now);
            if (retry)
            {
                update.Parameters.AddWithValue("$next", now + JobTime.ToMs(_settings.RetryDelay(attempts)));
            }

            update.ExecuteNonQuery();
            return retry ? JobFailureOutcome.RetryScheduled : JobFailureOutcome.Failed;
        }, cancellationToken);
    }

    public Task<bool> ReleaseAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);

        // The attempt did not happen, so it is not counted. A job somebody asked to cancel is cancelled instead of
        // given back, so the request is not lost with the worker.
        return FencedUpdateAsync(
            lease,
            "status = CASE cancel_requested WHEN 1 THEN 'cancelled' ELSE 'pending' END, " +
            "error = CASE cancel_requested WHEN 1 THEN $value ELSE error END, " +
            "finished_at = CASE cancel_requested WHEN 1 THEN $now END, " +
            "attempts = MAX(attempts - 1, 0), updated_at = $now, lease_token = NULL, lease_expires_at = NULL",
            JobRules.CancelledWhileRunning,
            cancellationToken);
    }

    public Task<bool> ConfirmCancelledAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return FencedUpdateAsync(
            lease,
            "status = 'cancelled', error = $value, finished_at = $now, updated_at = $now, lease_token = NULL, lease_expires_at = NULL",
            JobRules.CancelledWhileRunning,
            cancellationToken);
    }

    public Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return WriteAsync(session =>
        {
            var status = session.Scalar("SELECT status FROM jobs WHERE id = $id;", ("$id", jobId)) as string;
            switch (status is null ? (JobStatus?)null : ParseStatus(status))
            {
                case null:
                    return JobCancelResult.NotFound;
                case JobStatus.Pending:
                    session.Execute(
                        "UPDATE jobs SET status = 'cancelled', error = $error, finished_at = $now, updated_at = $now WHERE id = $id;",
                        ("$id", jobId),
                        ("$error", JobRules.CancelledBeforeStart),
                        ("$now", Now()));
                    return JobCancelResult.Cancelled;
                case JobStatus.Processing:
                    session.Execute("UPDATE jobs SET cancel_requested = 1, updated_at = $now WHERE id = $id;", ("$id", jobId), ("$now", Now()));
                    return JobCancelResult.CancelRequested;
                default:
                    return JobCancelResult.AlreadyFinished;
            }
        }, cancellationToken);
    }

    public Task<bool> RetryAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);

        // The checkpoint and the last error stay: the next attempt resumes, and the listing still says why it stopped.
        return WriteAsync(session => session.Execute(
            "UPDATE jobs SET status = 'pending', attempts = 0, next_attempt_at = $now, finished_at = NULL, result = NULL, " +
            "cancel_requested = 0, lease_token = NULL, lease_expires_at = NULL, updated_at = $now " +
            "WHERE id = $id AND status IN ('failed', 'cancelled');",
            ("$id", jobId),
            ("$now", Now())) == 1, cancellationToken);
    }

    public Task<IReadOnlyList<JobRecord>> ListInterruptedAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync<IReadOnlyList<JobRecord>>(session =>
        {
            var command = session.Command($"SELECT {Columns} FROM jobs WHERE status = 'processing' AND lease_expires_at <= $now ORDER BY sequence;");
            command.Parameters.AddWithValue("$now", Now());
            return ReadRecords(command);
        }, cancellationToken);

    public Task<int> ExpireLeasesAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return WriteAsync(session => session.Execute(
            "UPDATE jobs SET lease_expires_at = $now, updated_at = $now WHERE status = 'processing' AND lease_owner = $owner AND lease_expires_at > $now;",
            ("$owner", owner),
            ("$now", Now())), cancellationToken);
    }

    // Only finished jobs have finished_at (a retry clears it), so ix_jobs_finished alone finds them.
    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default) =>
        WriteAsync(session => session.Execute(
            "DELETE FROM jobs WHERE finished_at < $cutoff;",
            ("$cutoff", JobTime.ToUnixMs(finishedBefore))), cancellationToken);

    private static void AddOptional(SqliteCommand command, string name, object? value)
    {
        if (value is not null)
        {
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static SqliteCommand FencedCommand(SqliteSession session, string sql, JobLease lease)
    {
        var command = session.Command(sql);
        command.Parameters.AddWithValue("$id", lease.JobId);
        command.Parameters.AddWithValue("$token", lease.Token);
        return command;
    }

    private static List<JobRecord> ReadRecords(SqliteCommand command)
    {
        var records = new List<JobRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static JobRecord ReadRecord(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Id = reader.GetString(1),
        DocumentId = reader.GetString(2),
        Source = reader.GetString(3),
        Type = ParseType(reader.GetString(4)),
        Priority = reader.GetInt32(5),
        Status = ParseStatus(reader.GetString(6)),
        Attempts = reader.GetInt32(7),
        MaxAttempts = reader.GetInt32(8),
        Progress = reader.GetDouble(9),
        Error = StringOrNull(reader, 10),
        Checkpoint = StringOrNull(reader, 11),
        Payload = StringOrNull(reader, 12),
        Result = StringOrNull(reader, 13),
        BatchId = StringOrNull(reader, 14),
        CreatedAt = JobTime.FromUnixMs(reader.GetInt64(15)),
        UpdatedAt = JobTime.FromUnixMs(reader.GetInt64(16)),
        NextAttemptAt = JobTime.FromUnixMs(reader.GetInt64(17)),
        FinishedAt = JobTime.FromUnixMs(Int64OrNull(reader, 18)),
        LeaseOwner = StringOrNull(reader, 19),
        LeaseExpiresAt = JobTime.FromUnixMs(Int64OrNull(reader, 20)),
        CancelRequested = reader.GetInt64(21) != 0,
    };

    private static string? StringOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? Int64OrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private long Now() => JobTime.ToUnixMs(_time.GetUtcNow());

    /// <summary>Queues a write, reporting SQLite failures as <see cref="DocPipelineStorageException"/> naming the file.</summary>
    private Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) =>
        _database.WriteAsync(session =>
        {
            try
            {
                return work(session);
            }
            catch (SqliteException ex)
            {
                throw SqliteDatabase.Describe(ex, _database.Description, _database.Path);
            }
        }, cancellationToken);

    /// <summary>Runs <c>UPDATE jobs SET <paramref name="assignments"/></c> fenced by the lease; <c>$value</c> and <c>$now</c> are bound.</summary>
    private Task<bool> FencedUpdateAsync(JobLease lease, string assignments, object? value, CancellationToken cancellationToken) =>
        WriteAsync(session =>
        {
            var command = FencedCommand(session, $"UPDATE jobs SET {assignments} WHERE {Fence};", lease);
            command.Parameters.AddWithValue("$value", value ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", Now());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    private List<JobRecord> Create(SqliteSession session, IReadOnlyList<JobRequest> requests)
    {
        var now = _time.GetUtcNow();
        var nowMs = JobTime.ToUnixMs(now);
        var created = new List<JobRecord>(requests.Count);
        foreach (var request in requests)
        {
            var record = _settings.NewJob(request, now);
            session.Execute(SupersedePendingSql, ("$document", request.DocumentId), ("$error", JobRules.SupersededBy(record.Id)), ("$now", nowMs));
            var sequence = session.Scalar(
                InsertSql,
                ("$id", record.Id),
                ("$document", record.DocumentId),
                ("$source", record.Source),
                ("$type", TypeName(record.Type)),
                ("$priority", record.Priority),
                ("$max", record.MaxAttempts),
                ("$payload", record.Payload),
                ("$batch", record.BatchId),
                ("$now", nowMs));
            created.Add(record with { Sequence = Convert.ToInt64(sequence, CultureInfo.InvariantCulture) });
        }

        return created;
    }

    private List<JobLease> Claim(SqliteSession session, JobClaimRequest request)
    {
        var now = Now();
        EndExpiredJobs(session, now);

        // Decide first, with one reader open over the candidates in claim order; change rows only after it closed.
        var decisions = new List<(long Sequence, string Id, string DocumentId, ClaimDecision Decision, string? SupersededBy)>();
        var claimedDocuments = new HashSet<string>(StringComparer.Ordinal);
        var candidates = session.Command(CandidatesSql);
        candidates.Parameters.AddWithValue("$now", now);
        using (var reader = candidates.ExecuteReader())
        {
            while (claimedDocuments.Count < request.MaxJobs && reader.Read())
            {
                var sequence = reader.GetInt64(0);
                var documentId = reader.GetString(2);
                var (decision, supersededBy) = JobRules.Decide(
                    sequence, LoadSiblings(session, documentId, sequence), now, claimedDocuments.Contains(documentId));
                if (decision == ClaimDecision.Claim)
                {
                    claimedDocuments.Add(documentId);
                }

                if (decision != ClaimDecision.Skip)
                {
                    decisions.Add((sequence, reader.GetString(1), documentId, decision, supersededBy));
                }
            }
        }

        var leases = new List<JobLease>(claimedDocuments.Count);
        var expires = now + JobTime.ToMs(request.LeaseDuration);
        foreach (var (sequence, id, documentId, decision, supersededBy) in decisions)
        {
            if (decision == ClaimDecision.Supersede)
            {
                session.Execute(SupersedeOneSql, ("$sequence", sequence), ("$error", JobRules.SupersededBy(supersededBy!)), ("$now", now));
                continue;
            }

            // Every other active job of the document is older and not under a live lease (else this one would not be
            // claimed): retire them now, or an expired holder that wakes up could renew and run beside this job.
            session.Execute(SupersedeSiblingsSql, ("$document", documentId), ("$sequence", sequence), ("$error", JobRules.SupersededBy(id)), ("$now", now));

            var token = JobRules.NewLeaseToken();
            var claim = session.Command(ClaimSql);
            claim.Parameters.AddWithValue("$sequence", sequence);
            claim.Parameters.AddWithValue("$owner", request.Owner);
            claim.Parameters.AddWithValue("$token", token);
            claim.Parameters.AddWithValue("$expires", expires);
            claim.Parameters.AddWithValue("$now", now);
            var job = ReadRecords(claim)[0];
            leases.Add(new JobLease { Job = job, Owner = request.Owner, Token = token, ExpiresAt = JobTime.FromUnixMs(expires) });
        }

        return leases;
    }

    /// <summary>Ends processing jobs whose lease expired and that must not run again: cancel requested, or out of attempts.</summary>
    private static void EndExpiredJobs(SqliteSession session, long now)
    {
        session.Execute(CancelExpiredSql, ("$now", now), ("$error", JobRules.CancelledLeaseExpired));
        var command = session.Command(OutOfAttemptsSql);
        command.Parameters.AddWithValue("$now", now);
        var expired = new List<(string Id, int Attempts, string? Error)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                expired.Add((reader.GetString(0), reader.GetInt32(1), StringOrNull(reader, 2)));
            }
        }

        foreach (var (id, attempts, error) in expired)
        {
            session.Execute(FailExpiredSql, ("$id", id), ("$error", JobRules.LeaseExpired(attempts, error)), ("$now", now));
        }
    }

    private static List<JobSibling> LoadSiblings(SqliteSession session, string documentId, long sequence)
    {
        var command = session.Command(SiblingsSql);
        command.Parameters.AddWithValue("$document", documentId);
        command.Parameters.AddWithValue("$sequence", sequence);
        var siblings = new List<JobSibling>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            siblings.Add(new JobSibling(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetString(2) == "processing",
                Int64OrNull(reader, 3)));
        }

        return siblings;
    }
}
