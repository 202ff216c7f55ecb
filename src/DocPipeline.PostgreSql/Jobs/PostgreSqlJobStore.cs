using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using static DocPipeline.Jobs.JobStoreWords;

namespace DocPipeline.PostgreSql.Jobs;

/// <summary>
/// A job store in PostgreSQL that any number of worker processes, on any number of machines, share. Claims lock their
/// rows with <c>FOR UPDATE SKIP LOCKED</c>, so concurrent claimers never wait for each other and never take the same
/// job; leases, fencing, retries and supersede rules are those of the embedded SQLite store.
/// </summary>
/// <remarks>
/// <para>A claim is one statement. It walks the due jobs in claim order (priority, then due time, then creation),
/// skipping rows another claimer holds and jobs whose document is processing under a live lease. A walked job that
/// has a newer active job for its document is cancelled as superseded; any other is claimed, and the other active jobs
/// of its document (all older) are cancelled with it, so an expired holder can never renew beside the new one. The same
/// statement first ends expired jobs that must not run again (cancel requested, or out of attempts).</para>
/// <para>Creating jobs takes a transaction-scoped advisory lock per document, so two processes enqueueing the same
/// document at once still leave exactly one of the two jobs pending.</para>
/// <para>Times are the caller's <see cref="TimeProvider"/> (as in every store), so worker machines need synchronized
/// clocks (NTP): a clock that runs ahead sees other workers' leases expire early.</para>
/// </remarks>
internal sealed partial class PostgreSqlJobStore : IJobStore
{
    /// <summary>The tables of the job store. Never edit a shipped step; append one.</summary>
    internal static readonly PostgreSqlSchema Schema = new("jobs", "job store",
    [
        """
        CREATE TABLE {schema}.jobs (
            sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL UNIQUE,
            document_id text COLLATE "C" NOT NULL,
            source text NOT NULL,
            type text NOT NULL CHECK (type IN ('add', 'update', 'remove')),
            priority integer NOT NULL,
            status text NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
            attempts integer NOT NULL DEFAULT 0,
            max_attempts integer NOT NULL,
            progress double precision NOT NULL DEFAULT 0,
            error text,
            checkpoint text,
            payload text,
            result text,
            batch_id text COLLATE "C",
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            next_attempt_at timestamptz NOT NULL,
            finished_at timestamptz,
            lease_owner text,
            lease_token text,
            lease_expires_at timestamptz,
            cancel_requested boolean NOT NULL DEFAULT false
        );
        -- The claim walks this index in claim order and stops after a few rows, however many jobs wait.
        CREATE INDEX jobs_claim ON {schema}.jobs (priority DESC, next_attempt_at, sequence) WHERE status = 'pending';
        -- Expired leases: reclaim, end when out of attempts or cancelled, list interrupted jobs.
        CREATE INDEX jobs_lease ON {schema}.jobs (lease_expires_at) WHERE status = 'processing';
        -- Per-document checks: supersede on create, busy-document and stale-job checks on claim.
        CREATE INDEX jobs_document ON {schema}.jobs (document_id, status);
        CREATE INDEX jobs_status ON {schema}.jobs (status, sequence);
        CREATE INDEX jobs_batch ON {schema}.jobs (batch_id, status) WHERE batch_id IS NOT NULL;
        CREATE INDEX jobs_finished ON {schema}.jobs (finished_at) WHERE finished_at IS NOT NULL;
        """,
        ControlStep,
        HeartbeatStep,
    ]);

    private const string Columns =
        "j.sequence, j.id, j.document_id, j.source, j.type, j.priority, j.status, j.attempts, j.max_attempts, j.progress, j.error, j.checkpoint, " +
        "j.payload, j.result, j.batch_id, j.created_at, j.updated_at, j.next_attempt_at, j.finished_at, j.lease_owner, j.lease_expires_at, j.cancel_requested";

    private const string Fence = "j.id = @id AND j.lease_token = @token AND j.status = 'processing'";

    private const string ReleaseLease = "lease_token = NULL, lease_expires_at = NULL";

    /// <summary>
    /// The error of a job whose lease expired with no attempts left: the SQL twin of <see cref="JobRules.LeaseExpired"/>
    /// (a test holds the two to the same text).
    /// </summary>
    internal const string LeaseExpiredError =
        "'The lease expired after ' || j.attempts || ' attempt' || CASE WHEN j.attempts = 1 THEN '' ELSE 's' END || " +
        "' (the worker crashed or hung), and no attempts are left.' || " +
        "CASE WHEN COALESCE(j.error, '') = '' THEN '' ELSE ' Last error: ' || j.error END";

    // One round trip: per-document advisory locks in a fixed order (so two creators never deadlock), then supersede and insert.
    private const string CreateSql =
        """
        SELECT pg_advisory_xact_lock(hashtext(@lockspace), x.key)
        FROM (SELECT DISTINCT hashtext(d) AS key FROM unnest(@documents) AS d ORDER BY 1) AS x;
        WITH input AS (
            SELECT * FROM unnest(@ids, @documents, @sources, @types, @priorities, @maxes, @payloads, @batches) WITH ORDINALITY
                AS t(id, document_id, source, type, priority, max_attempts, payload, batch_id, ordinal)
        ), decided AS (
            SELECT i.*,
                   lead(i.id) OVER (PARTITION BY i.document_id ORDER BY i.ordinal) AS superseded_by,
                   first_value(i.id) OVER (PARTITION BY i.document_id ORDER BY i.ordinal) AS first_of_document
            FROM input AS i
        ), superseded AS (
            UPDATE {schema}.jobs AS j
            SET status = 'cancelled', error = @superseded || f.first_of_document, finished_at = @now, updated_at = @now
            FROM (SELECT DISTINCT document_id, first_of_document FROM decided) AS f
            WHERE j.document_id = f.document_id AND j.status = 'pending'
        )
        INSERT INTO {schema}.jobs (id, document_id, source, type, priority, status, max_attempts, payload, batch_id, error, finished_at, created_at, updated_at, next_attempt_at)
        SELECT d.id, d.document_id, d.source, d.type, d.priority,
               CASE WHEN d.superseded_by IS NULL THEN 'pending' ELSE 'cancelled' END,
               d.max_attempts, d.payload, d.batch_id,
               CASE WHEN d.superseded_by IS NULL THEN NULL ELSE @superseded || d.superseded_by END,
               CASE WHEN d.superseded_by IS NULL THEN NULL ELSE @now END,
               @now, @now, @now
        FROM decided AS d
        ORDER BY d.ordinal
        RETURNING id, sequence;
        """;

    private static readonly string ClaimSql = BuildClaimSql();

    private readonly PostgreSqlDatabase _database;
    private readonly JobStoreSettings _settings;
    private readonly TimeProvider _time;

    /// <summary>Creates the store over the container's PostgreSQL pool, with the retry settings of <see cref="QueueOptions"/>.</summary>
    public PostgreSqlJobStore(PostgreSqlDatabase database, IOptions<DocPipelineOptions> options, TimeProvider time)
        : this(database, JobStoreSettings.From((options ?? throw new ArgumentNullException(nameof(options))).Value.Queue), time)
    {
    }

    /// <summary>Creates the store with explicit settings; for tests.</summary>
    internal PostgreSqlJobStore(PostgreSqlDatabase database, JobStoreSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _settings = settings;
        _time = time;
    }

    public async Task<IReadOnlyList<JobRecord>> CreateAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default)
    {
        JobRules.ValidateRequests(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var now = _time.GetUtcNow();
        var records = requests.Select(r => _settings.NewJob(r, now)).ToArray();
        var rows = await _database.WriteQueryAsync(
            Schema,
            CreateSql,
            p => p
                .Text("lockspace", "docpipeline.jobs." + _database.Schema)
                .TextArray("ids", records.Select(r => r.Id).ToArray())
                .TextArray("documents", records.Select(r => r.DocumentId).ToArray())
                .TextArray("sources", records.Select(r => r.Source).ToArray())
                .TextArray("types", records.Select(r => TypeName(r.Type)).ToArray())
                .IntegerArray("priorities", records.Select(r => (int?)r.Priority).ToArray())
                .IntegerArray("maxes", records.Select(r => (int?)r.MaxAttempts).ToArray())
                .TextArray("payloads", records.Select(r => r.Payload).ToArray())
                .TextArray("batches", records.Select(r => r.BatchId).ToArray())
                .Text("superseded", JobRules.SupersededBy(string.Empty))
                .Time("now", now),

            // The first statement's rows are the document locks; the insert's rows pair each job id with its sequence.
            r => r.FieldCount == 2 ? (Id: r.GetString(0), Sequence: r.GetInt64(1)) : (Id: null, Sequence: 0L),
            cancellationToken).ConfigureAwait(false);
        var sequences = rows.Where(r => r.Id is not null).ToDictionary(r => r.Id!, r => r.Sequence, StringComparer.Ordinal);

        // Like the embedded store, every created job is returned as it was requested (pending), even one that a later
        // request for the same document in this batch superseded at once.
        return records.Select(r => r with { Sequence = sequences[r.Id] }).ToArray();
    }

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var jobs = await _database.QueryAsync(
            Schema, $"SELECT {Columns} FROM {{schema}}.jobs AS j WHERE j.id = @id;", p => p.Text("id", jobId), ReadRecord, cancellationToken).ConfigureAwait(false);
        return jobs.FirstOrDefault();
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        var where = JobStoreWords.ListFilter(query, "j.", '@');
        var sql = $"SELECT {Columns} FROM {{schema}}.jobs AS j{where} ORDER BY j.sequence DESC LIMIT @limit;";
        return await _database.QueryAsync(
            Schema,
            sql,
            p => p
                .Text("status", query.Status is { } status ? StatusName(status) : null)
                .Text("batch", query.BatchId)
                .Text("document", query.DocumentId)
                .Integer("limit", query.Limit),
            ReadRecord,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<JobStatusCounts> GetCountsAsync(string? batchId = null, CancellationToken cancellationToken = default)
    {
        var sql = batchId is null
            ? "SELECT j.status, COUNT(*) FROM {schema}.jobs AS j GROUP BY j.status;"
            : "SELECT j.status, COUNT(*) FROM {schema}.jobs AS j WHERE j.batch_id = @batch GROUP BY j.status;";
        var rows = await _database.QueryAsync(
            Schema, sql, p => p.Text("batch", batchId), r => (Status: ParseStatus(r.GetString(0)), Count: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var counts = rows.ToDictionary(r => r.Status, r => r.Count);
        return new JobStatusCounts(
            counts.GetValueOrDefault(JobStatus.Pending),
            counts.GetValueOrDefault(JobStatus.Processing),
            counts.GetValueOrDefault(JobStatus.Completed),
            counts.GetValueOrDefault(JobStatus.Failed),
            counts.GetValueOrDefault(JobStatus.Cancelled));
    }

    public Task<IReadOnlyList<JobLease>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default)
    {
        JobRules.ValidateClaim(request);
        return _database.WriteAsync<IReadOnlyList<JobLease>>(
            Schema, async (connection, token) => await IsPausedAsync(connection, token).ConfigureAwait(false) ? [] : await ClaimAsync(connection, request, token).ConfigureAwait(false), cancellationToken);
    }

    public async Task<LeaseRenewal> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var expires = Now() + TimeSpan.FromMilliseconds(JobTime.ToMs(duration));
        var renewed = await _database.WriteQueryAsync(
            Schema,
            $"UPDATE {{schema}}.jobs AS j SET lease_expires_at = @expires WHERE {Fence} RETURNING j.cancel_requested;",
            p => Fenced(p, lease).Time("expires", expires),
            r => r.GetBoolean(0),
            cancellationToken).ConfigureAwait(false);
        return renewed.Count == 1 ? new LeaseRenewal(true, expires, renewed[0]) : new LeaseRenewal(false, null, false);
    }

    public Task<bool> ReportProgressAsync(JobLease lease, double progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var value = double.IsNaN(progress) ? 0 : Math.Clamp(progress, 0, 1);
        return FencedUpdateAsync(lease, "progress = @value, updated_at = @now", p => p.Double("value", value), cancellationToken);
    }

    public Task<bool> SaveCheckpointAsync(JobLease lease, string checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return FencedUpdateAsync(lease, "checkpoint = @value, updated_at = @now", p => p.Text("value", checkpoint), cancellationToken);
    }

    public Task<bool> CompleteAsync(JobLease lease, string? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return FencedUpdateAsync(
            lease,
            $"status = 'completed', result = @value, error = NULL, progress = 1, finished_at = @now, updated_at = @now, {ReleaseLease}",
            p => p.Text("value", result),
            cancellationToken);
    }

    public Task<JobFailureOutcome> FailAsync(JobLease lease, JobFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return _database.WriteAsync(Schema, async (connection, token) =>
        {
            var now = Now();
            var held = await _database.QueryAsync(
                connection,
                $"SELECT j.attempts, j.max_attempts, j.cancel_requested FROM {{schema}}.jobs AS j WHERE {Fence} FOR UPDATE;",
                p => Fenced(p, lease),
                r => (Attempts: r.GetInt32(0), MaxAttempts: r.GetInt32(1), CancelRequested: r.GetBoolean(2)),
                token).ConfigureAwait(false);
            if (held.Count == 0)
            {
                return JobFailureOutcome.LeaseLost;
            }

            var (attempts, maxAttempts, cancelRequested) = held[0];
            var retry = JobRules.ShouldRetry(failure, attempts, maxAttempts, cancelRequested);
            await _database.ExecuteAsync(
                connection,
                retry
                    ? $"UPDATE {{schema}}.jobs AS j SET status = 'pending', error = @error, next_attempt_at = @next, updated_at = @now, {ReleaseLease} WHERE {Fence};"
                    : $"UPDATE {{schema}}.jobs AS j SET status = 'failed', error = @error, finished_at = @now, updated_at = @now, {ReleaseLease} WHERE {Fence};",
                p => Fenced(p, lease)
                    .Text("error", failure.Error ?? string.Empty)
                    .Time("now", now)
                    .Time("next", retry ? now + TimeSpan.FromMilliseconds(JobTime.ToMs(_settings.RetryDelay(attempts))) : null),
                token).ConfigureAwait(false);
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
            "status = CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'pending' END, " +
            "error = CASE WHEN j.cancel_requested THEN @value ELSE j.error END, " +
            "finished_at = CASE WHEN j.cancel_requested THEN @now END, " +
            $"attempts = GREATEST(j.attempts - 1, 0), updated_at = @now, {ReleaseLease}",
            p => p.Text("value", JobRules.CancelledWhileRunning),
            cancellationToken);
    }

    public Task<bool> ConfirmCancelledAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return FencedUpdateAsync(
            lease,
            $"status = 'cancelled', error = @value, finished_at = @now, updated_at = @now, {ReleaseLease}",
            p => p.Text("value", JobRules.CancelledWhileRunning),
            cancellationToken);
    }

    public async Task<JobCancelResult> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var status = await _database.WriteQueryAsync(
            Schema,
            """
                WITH target AS (
                    SELECT j.sequence, j.status FROM {schema}.jobs AS j WHERE j.id = @id FOR UPDATE
                ), cancelled AS (
                    UPDATE {schema}.jobs AS j SET status = 'cancelled', error = @error, finished_at = @now, updated_at = @now
                    FROM target AS t WHERE j.sequence = t.sequence AND t.status = 'pending'
                ), requested AS (
                    UPDATE {schema}.jobs AS j SET cancel_requested = true, updated_at = @now
                    FROM target AS t WHERE j.sequence = t.sequence AND t.status = 'processing'
                )
                SELECT status FROM target;
                """,
            p => p.Text("id", jobId).Text("error", JobRules.CancelledBeforeStart).Time("now", Now()),
            r => ParseStatus(r.GetString(0)),
            cancellationToken).ConfigureAwait(false);
        return status.Count == 0
            ? JobCancelResult.NotFound
            : status[0] switch
            {
                JobStatus.Pending => JobCancelResult.Cancelled,
                JobStatus.Processing => JobCancelResult.CancelRequested,
                _ => JobCancelResult.AlreadyFinished,
            };
    }

    public async Task<bool> RetryAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);

        // The checkpoint and the last error stay: the next attempt resumes, and the listing still says why it stopped.
        return await _database.ExecuteAsync(
            Schema,
            "UPDATE {schema}.jobs AS j SET status = 'pending', attempts = 0, next_attempt_at = @now, finished_at = NULL, result = NULL, " +
            $"cancel_requested = false, {ReleaseLease}, updated_at = @now WHERE j.id = @id AND j.status IN ('failed', 'cancelled');",
            p => p.Text("id", jobId).Time("now", Now()),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<JobRecord>> ListInterruptedAsync(CancellationToken cancellationToken = default) =>
        await _database.QueryAsync(
            Schema,
            $"SELECT {Columns} FROM {{schema}}.jobs AS j WHERE j.status = 'processing' AND j.lease_expires_at <= @now ORDER BY j.sequence;",
            p => p.Time("now", Now()),
            ReadRecord,
            cancellationToken).ConfigureAwait(false);

    public Task<int> ExpireLeasesAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return _database.ExecuteAsync(
            Schema,
            "UPDATE {schema}.jobs AS j SET lease_expires_at = @now, updated_at = @now " +
            "WHERE j.status = 'processing' AND j.lease_owner = @owner AND j.lease_expires_at > @now;",
            p => p.Text("owner", owner).Time("now", Now()),
            cancellationToken);
    }

    // Only finished jobs have finished_at (a retry clears it), so jobs_finished alone finds them.
    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default) =>
        _database.ExecuteAsync(Schema, "DELETE FROM {schema}.jobs AS j WHERE j.finished_at < @cutoff;", p => p.Time("cutoff", finishedBefore), cancellationToken);

    /// <summary>An active job as a claim sees it: pending, or processing and not about to be ended (expired with a cancel request or no attempts left).</summary>
    private static string Active(string alias) =>
        $"({alias}.status = 'pending' OR ({alias}.status = 'processing' AND NOT ({alias}.lease_expires_at <= @now AND ({alias}.cancel_requested OR {alias}.attempts >= {alias}.max_attempts))))";

    /// <summary>
    /// A due job worth walking: its document is not processing under another job's live lease, or a newer active job
    /// exists (then the walk supersedes it, busy document or not).
    /// </summary>
    private static string Walkable(string alias) =>
        $"(NOT EXISTS (SELECT 1 FROM {{schema}}.jobs AS b WHERE b.document_id = {alias}.document_id AND b.sequence <> {alias}.sequence " +
        $"AND b.status = 'processing' AND b.lease_expires_at > @now) " +
        $"OR EXISTS (SELECT 1 FROM {{schema}}.jobs AS n WHERE n.document_id = {alias}.document_id AND n.sequence > {alias}.sequence AND {Active("n")}))";

    private static string BuildClaimSql() =>
        $$"""
        WITH ended_cancelled AS (
            UPDATE {schema}.jobs AS j
            SET status = 'cancelled', error = @cancelled, finished_at = @now, updated_at = @now, {{ReleaseLease}}
            WHERE j.sequence IN (
                SELECT e.sequence FROM {schema}.jobs AS e
                WHERE e.status = 'processing' AND e.lease_expires_at <= @now AND e.cancel_requested
                FOR UPDATE SKIP LOCKED)
        ), ended_failed AS (
            UPDATE {schema}.jobs AS j
            SET status = 'failed', error = {{LeaseExpiredError}}, finished_at = @now, updated_at = @now, {{ReleaseLease}}
            WHERE j.sequence IN (
                SELECT e.sequence FROM {schema}.jobs AS e
                WHERE e.status = 'processing' AND e.lease_expires_at <= @now AND e.attempts >= e.max_attempts AND NOT e.cancel_requested
                FOR UPDATE SKIP LOCKED)
        ), due AS (
            SELECT j.sequence, j.id, j.document_id, j.priority, j.next_attempt_at
            FROM {schema}.jobs AS j
            WHERE j.status = 'pending' AND j.next_attempt_at <= @now AND {{Walkable("j")}}
            ORDER BY j.priority DESC, j.next_attempt_at, j.sequence
            LIMIT @window
            FOR UPDATE SKIP LOCKED
        ), expired AS (
            SELECT j.sequence, j.id, j.document_id, j.priority, j.next_attempt_at
            FROM {schema}.jobs AS j
            WHERE j.status = 'processing' AND j.lease_expires_at <= @now AND j.attempts < j.max_attempts AND NOT j.cancel_requested AND {{Walkable("j")}}
            ORDER BY j.priority DESC, j.next_attempt_at, j.sequence
            LIMIT @window
            FOR UPDATE SKIP LOCKED
        ), walked AS (
            SELECT c.sequence, c.id, c.document_id,
                   row_number() OVER (ORDER BY c.priority DESC, c.next_attempt_at, c.sequence) AS position,
                   (SELECT s.id FROM {schema}.jobs AS s
                    WHERE s.document_id = c.document_id AND s.sequence > c.sequence AND {{Active("s")}}
                    ORDER BY s.sequence DESC LIMIT 1) AS newer
            FROM (SELECT * FROM due UNION ALL SELECT * FROM expired) AS c
        ), scanned AS (
            SELECT w.*, CASE WHEN w.newer IS NULL THEN count(*) FILTER (WHERE w.newer IS NULL) OVER (ORDER BY w.position) END AS claim_rank
            FROM walked AS w
            WHERE w.position <= @window
        ), stop AS (
            SELECT COALESCE(MIN(s.position) FILTER (WHERE s.claim_rank = @max), 9223372036854775807) AS position FROM scanned AS s
        ), chosen AS (
            SELECT s.* FROM scanned AS s, stop WHERE s.position <= stop.position
        ), claims AS (
            SELECT c.sequence, c.id, c.document_id, c.claim_rank::integer AS claim_rank FROM chosen AS c WHERE c.claim_rank IS NOT NULL
        ), stale AS (
            SELECT c.sequence, c.newer AS superseded_by FROM chosen AS c WHERE c.newer IS NOT NULL
            UNION ALL
            SELECT s.sequence, c.id FROM {schema}.jobs AS s JOIN claims AS c ON s.document_id = c.document_id AND s.sequence <> c.sequence
            WHERE {{Active("s")}}
        ), superseded AS (
            UPDATE {schema}.jobs AS j
            SET status = 'cancelled', error = @superseded || x.superseded_by, finished_at = @now, updated_at = @now, {{ReleaseLease}}
            FROM (SELECT DISTINCT ON (st.sequence) st.sequence, st.superseded_by FROM stale AS st ORDER BY st.sequence) AS x
            WHERE j.sequence = x.sequence AND j.status IN ('pending', 'processing')
        ), claimed AS (
            UPDATE {schema}.jobs AS j
            SET status = 'processing', attempts = j.attempts + 1, lease_owner = @owner, lease_token = (@tokens)[c.claim_rank],
                lease_expires_at = @expires, cancel_requested = false, updated_at = @now
            FROM claims AS c
            WHERE j.sequence = c.sequence
            RETURNING c.claim_rank, j.lease_token, {{Columns}}
        )
        SELECT n.scanned, claimed.* FROM (SELECT count(*) AS scanned FROM scanned) AS n LEFT JOIN claimed ON true ORDER BY claimed.claim_rank;
        """;

    /// <summary>
    /// Claims in passes: the first walks as many rows as jobs are wanted; while a full window yields too few claims
    /// (stale jobs were superseded), the next pass walks a window four times larger.
    /// </summary>
    private async Task<IReadOnlyList<JobLease>> ClaimAsync(NpgsqlConnection connection, JobClaimRequest request, CancellationToken cancellationToken)
    {
        var now = Now();
        var expires = now + TimeSpan.FromMilliseconds(JobTime.ToMs(request.LeaseDuration));
        var leases = new List<JobLease>(request.MaxJobs);
        var window = request.MaxJobs;
        while (true)
        {
            var wanted = request.MaxJobs - leases.Count;
            var tokens = Enumerable.Range(0, wanted).Select(_ => (string?)JobRules.NewLeaseToken()).ToArray();
            var rows = await _database.QueryAsync(
                connection,
                ClaimSql,
                p => p
                .Time("now", now)
                .Time("expires", expires)
                .Text("owner", request.Owner)
                .TextArray("tokens", tokens)
                .Integer("max", wanted)
                .Integer("window", window)
                .Text("cancelled", JobRules.CancelledLeaseExpired)
                .Text("superseded", JobRules.SupersededBy(string.Empty)),
                r => (Scanned: r.GetInt64(0), Lease: r.IsDBNull(1) ? null : new JobLease { Job = ReadRecord(r, 3), Owner = request.Owner, Token = r.GetString(2), ExpiresAt = expires }),
                cancellationToken).ConfigureAwait(false);
            var scanned = rows[0].Scanned;
            var claimed = rows.Count(r => r.Lease is not null);
            leases.AddRange(rows.Select(r => r.Lease).OfType<JobLease>());
            if (leases.Count == request.MaxJobs || scanned < window || claimed == wanted)
            {
                return leases;
            }

            window = checked(window * 4);
        }
    }

    private static NpgsqlParameterCollection Fenced(NpgsqlParameterCollection parameters, JobLease lease) =>
        parameters.Text("id", lease.JobId).Text("token", lease.Token);

    private static JobRecord ReadRecord(NpgsqlDataReader reader) => ReadRecord(reader, 0);

    /// <summary>Reads the <see cref="Columns"/> that start at <paramref name="first"/>.</summary>
    private static JobRecord ReadRecord(NpgsqlDataReader reader, int first) => new()
    {
        Sequence = reader.GetInt64(first),
        Id = reader.GetString(first + 1),
        DocumentId = reader.GetString(first + 2),
        Source = reader.GetString(first + 3),
        Type = ParseType(reader.GetString(first + 4)),
        Priority = reader.GetInt32(first + 5),
        Status = ParseStatus(reader.GetString(first + 6)),
        Attempts = reader.GetInt32(first + 7),
        MaxAttempts = reader.GetInt32(first + 8),
        Progress = reader.GetDouble(first + 9),
        Error = reader.GetStringOrNull(first + 10),
        Checkpoint = reader.GetStringOrNull(first + 11),
        Payload = reader.GetStringOrNull(first + 12),
        Result = reader.GetStringOrNull(first + 13),
        BatchId = reader.GetStringOrNull(first + 14),
        CreatedAt = reader.GetTime(first + 15),
        UpdatedAt = reader.GetTime(first + 16),
        NextAttemptAt = reader.GetTime(first + 17),
        FinishedAt = reader.GetTimeOrNull(first + 18),
        LeaseOwner = reader.GetStringOrNull(first + 19),
        LeaseExpiresAt = reader.GetTimeOrNull(first + 20),
        CancelRequested = reader.GetBoolean(first + 21),
    };

    /// <summary>The current time at the stores' precision (whole milliseconds).</summary>
    private DateTimeOffset Now() => JobTime.FromUnixMs(JobTime.ToUnixMs(_time.GetUtcNow()));

    /// <summary>Runs <c>UPDATE jobs SET <paramref name="assignments"/></c> fenced by the lease; <c>@now</c> is bound.</summary>
    private async Task<bool> FencedUpdateAsync(JobLease lease, string assignments, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        var now = Now();
        var changed = await _database.ExecuteAsync(
            Schema,
            $"UPDATE {{schema}}.jobs AS j SET {assignments} WHERE {Fence};",
            p =>
            {
                bind(Fenced(p, lease).Time("now", now));
            },
            cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }
}
