using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Storage;
using Npgsql;

namespace DocPipeline.PostgreSql.Jobs;

/// <summary>The operator controls of the PostgreSQL job store: the durable pause, the error history, bulk cancel, retry and purge.</summary>
internal sealed partial class PostgreSqlJobStore
{
    /// <summary>
    /// Schema step 2: the pause flag (one row, created unpaused) and the error history, written by a trigger on the
    /// one transition every failed attempt makes (processing → pending or failed with the attempt kept; a released
    /// job gives its attempt back), so no code path that fails a job can forget it.
    /// </summary>
    private const string ControlStep =
        """
        CREATE TABLE {schema}.queue_control (
            id integer PRIMARY KEY CHECK (id = 1),
            paused boolean NOT NULL,
            interrupt_running boolean NOT NULL,
            changed_at timestamptz,
            changed_by text
        );
        INSERT INTO {schema}.queue_control (id, paused, interrupt_running) VALUES (1, false, false);
        CREATE TABLE {schema}.job_errors (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            job_id text COLLATE "C" NOT NULL,
            attempt integer NOT NULL,
            error text NOT NULL,
            at timestamptz NOT NULL
        );
        CREATE INDEX job_errors_job ON {schema}.job_errors (job_id, id);
        CREATE FUNCTION {schema}.jobs_record_error() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            INSERT INTO {schema}.job_errors (job_id, attempt, error, at) VALUES (NEW.id, NEW.attempts, NEW.error, NEW.updated_at);
            RETURN NULL;
        END
        $body$;
        CREATE TRIGGER jobs_record_error AFTER UPDATE OF status ON {schema}.jobs FOR EACH ROW
        WHEN (OLD.status = 'processing' AND NEW.status IN ('pending', 'failed') AND NEW.attempts = OLD.attempts AND NEW.error IS NOT NULL)
        EXECUTE FUNCTION {schema}.jobs_record_error();
        CREATE FUNCTION {schema}.jobs_purge_errors() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            DELETE FROM {schema}.job_errors WHERE job_id = OLD.id;
            RETURN NULL;
        END
        $body$;
        CREATE TRIGGER jobs_purge_errors AFTER DELETE ON {schema}.jobs FOR EACH ROW EXECUTE FUNCTION {schema}.jobs_purge_errors();
        """;

    private const string PauseColumns = "c.paused, c.interrupt_running, c.changed_at, c.changed_by";

    public async Task<QueuePauseState> GetPauseStateAsync(CancellationToken cancellationToken = default) =>
        (await _database.QueryAsync(Schema, $"SELECT {PauseColumns} FROM {{schema}}.queue_control AS c WHERE c.id = 1;", null, ReadPauseState, cancellationToken)
            .ConfigureAwait(false)).FirstOrDefault() ?? QueuePauseState.Running;

    public async Task<QueuePauseState> SetPauseStateAsync(bool paused, bool interruptRunning, string? changedBy, CancellationToken cancellationToken = default)
    {
        // The update waits for claims in flight (they hold the row FOR SHARE), so once it returns no claim can begin unpaused.
        var rows = await _database.WriteQueryAsync(
            Schema,
            "UPDATE {schema}.queue_control AS c SET paused = @paused, interrupt_running = @interrupt, changed_at = @now, changed_by = @by " +
            $"WHERE c.id = 1 RETURNING {PauseColumns};",
            p =>
            {
                p.AddWithValue("paused", paused);
                p.AddWithValue("interrupt", paused && interruptRunning);
                p.Time("now", Now()).Text("by", changedBy);
            },
            ReadPauseState,
            cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public async Task<IReadOnlyList<JobError>> ListErrorsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return await _database.QueryAsync(
            Schema,
            "SELECT e.attempt, e.at, e.error FROM {schema}.job_errors AS e WHERE e.job_id = @id ORDER BY e.id;",
            p => p.Text("id", jobId),
            r => new JobError(r.GetInt32(0), r.GetTime(1), r.GetString(2)),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<int> CancelAllPendingAsync(CancellationToken cancellationToken = default) =>
        _database.ExecuteAsync(
            Schema,
            "UPDATE {schema}.jobs AS j SET status = 'cancelled', error = @error, finished_at = @now, updated_at = @now WHERE j.status = 'pending';",
            p => p.Text("error", JobRules.CancelledBeforeStart).Time("now", Now()),
            cancellationToken);

    // The checkpoint and the last error stay, as in RetryAsync.
    public Task<int> RetryFailedAsync(CancellationToken cancellationToken = default) =>
        _database.ExecuteAsync(
            Schema,
            "UPDATE {schema}.jobs AS j SET status = 'pending', attempts = 0, next_attempt_at = @now, finished_at = NULL, result = NULL, " +
            $"cancel_requested = false, {ReleaseLease}, updated_at = @now WHERE j.status = 'failed';",
            p => p.Time("now", Now()),
            cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, JobStatus status, CancellationToken cancellationToken = default)
    {
        var name = status switch
        {
            JobStatus.Completed => "completed",
            JobStatus.Failed => "failed",
            JobStatus.Cancelled => "cancelled",
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only completed, failed or cancelled jobs can be purged."),
        };
        return _database.ExecuteAsync(
            Schema,
            "DELETE FROM {schema}.jobs AS j WHERE j.finished_at < @cutoff AND j.status = @status;",
            p => p.Time("cutoff", finishedBefore).Text("status", name),
            cancellationToken);
    }

    /// <summary>
    /// Whether the queue is paused, read at the start of a claim's transaction. <c>FOR SHARE</c> makes a pause wait for
    /// the claims in flight and makes a claim that starts after a pause see it.
    /// </summary>
    private async Task<bool> IsPausedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var paused = await _database.QueryAsync(
            connection, "SELECT c.paused FROM {schema}.queue_control AS c WHERE c.id = 1 FOR SHARE;", null, r => r.GetBoolean(0), cancellationToken).ConfigureAwait(false);
        return paused.Count == 1 && paused[0];
    }

    private static QueuePauseState ReadPauseState(NpgsqlDataReader reader) => new()
    {
        IsPaused = reader.GetBoolean(0),
        InterruptRunning = reader.GetBoolean(1),
        ChangedAt = reader.GetTimeOrNull(2),
        ChangedBy = reader.GetStringOrNull(3),
    };
}
