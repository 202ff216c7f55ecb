using DocPipeline.Storage;
using static DocPipeline.Jobs.JobStoreWords;

namespace DocPipeline.Jobs;

/// <summary>The operator controls of the SQLite job store: the durable pause, the error history, bulk cancel, retry and purge.</summary>
internal sealed partial class SqliteJobStore
{
    /// <summary>
    /// Schema step 2: the pause flag (one row; no row means never paused) and the error history. The history is written
    /// by a trigger on the one transition every failed attempt makes (processing → pending or failed with the attempt
    /// kept; a released job gives its attempt back), so no code path that fails a job can forget it.
    /// </summary>
    private const string ControlStep =
        """
        CREATE TABLE queue_control (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            paused INTEGER NOT NULL,
            interrupt_running INTEGER NOT NULL,
            changed_at INTEGER NOT NULL,
            changed_by TEXT
        );
        CREATE TABLE job_errors (
            id INTEGER PRIMARY KEY,
            job_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            error TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX ix_job_errors_job ON job_errors (job_id, id);
        CREATE TRIGGER tr_jobs_record_error AFTER UPDATE OF status ON jobs
        WHEN OLD.status = 'processing' AND NEW.status IN ('pending', 'failed') AND NEW.attempts = OLD.attempts AND NEW.error IS NOT NULL
        BEGIN
            INSERT INTO job_errors (job_id, attempt, error, at) VALUES (NEW.id, NEW.attempts, NEW.error, NEW.updated_at);
        END;
        CREATE TRIGGER tr_jobs_purge_errors AFTER DELETE ON jobs
        BEGIN
            DELETE FROM job_errors WHERE job_id = OLD.id;
        END;
        """;

    private const string PauseColumns = "paused, interrupt_running, changed_at, changed_by";

    public Task<QueuePauseState> GetPauseStateAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(ReadPauseState, cancellationToken);

    public Task<QueuePauseState> SetPauseStateAsync(bool paused, bool interruptRunning, string? changedBy, CancellationToken cancellationToken = default) =>
        WriteAsync(session =>
        {
            session.Execute(
                $"INSERT INTO queue_control (id, {PauseColumns}) VALUES (1, $paused, $interrupt, $now, $by) " +
                "ON CONFLICT (id) DO UPDATE SET paused = excluded.paused, interrupt_running = excluded.interrupt_running, " +
                "changed_at = excluded.changed_at, changed_by = excluded.changed_by;",
                ("$paused", paused ? 1 : 0),
                ("$interrupt", paused && interruptRunning ? 1 : 0),
                ("$now", Now()),
                ("$by", changedBy));
            return ReadPauseState(session);
        }, cancellationToken);

    public Task<IReadOnlyList<JobError>> ListErrorsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _database.ReadAsync<IReadOnlyList<JobError>>(session =>
        {
            var command = session.Command("SELECT attempt, at, error FROM job_errors WHERE job_id = $id ORDER BY id;");
            command.Parameters.AddWithValue("$id", jobId);
            var errors = new List<JobError>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                errors.Add(new JobError(reader.GetInt32(0), JobTime.FromUnixMs(reader.GetInt64(1)), reader.GetString(2)));
            }

            return errors;
        }, cancellationToken);
    }

    public Task<int> CancelAllPendingAsync(CancellationToken cancellationToken = default) =>
        WriteAsync(session => session.Execute(
            "UPDATE jobs SET status = 'cancelled', error = $error, finished_at = $now, updated_at = $now WHERE status = 'pending';",
            ("$error", JobRules.CancelledBeforeStart),
            ("$now", Now())), cancellationToken);

    // The checkpoint and the last error stay, as in RetryAsync.
    public Task<int> RetryFailedAsync(CancellationToken cancellationToken = default) =>
        WriteAsync(session => session.Execute(
            "UPDATE jobs SET status = 'pending', attempts = 0, next_attempt_at = $now, finished_at = NULL, result = NULL, " +
            "cancel_requested = 0, lease_token = NULL, lease_expires_at = NULL, updated_at = $now WHERE status = 'failed';",
            ("$now", Now())), cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, JobStatus status, CancellationToken cancellationToken = default)
    {
        var name = FinishedStatusName(status);
        return WriteAsync(session => session.Execute(
            "DELETE FROM jobs WHERE finished_at < $cutoff AND status = $status;",
            ("$cutoff", JobTime.ToUnixMs(finishedBefore)),
            ("$status", name)), cancellationToken);
    }

    /// <summary>The word of a finished state; throws for an active one, which a purge must never touch.</summary>
    internal static string FinishedStatusName(JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled
        ? StatusName(status)
        : throw new ArgumentOutOfRangeException(nameof(status), status, "Only completed, failed or cancelled jobs can be purged.");

    /// <summary>Whether the queue is paused; read inside a claim's transaction, so no claim begins after a pause committed.</summary>
    private static bool IsPaused(SqliteSession session) =>
        session.Scalar("SELECT paused FROM queue_control WHERE id = 1;") is long paused && paused != 0;

    private static QueuePauseState ReadPauseState(SqliteSession session)
    {
        using var reader = session.Command($"SELECT {PauseColumns} FROM queue_control WHERE id = 1;").ExecuteReader();
        return !reader.Read()
            ? QueuePauseState.Running
            : new QueuePauseState
            {
                IsPaused = reader.GetInt64(0) != 0,
                InterruptRunning = reader.GetInt64(1) != 0,
                ChangedAt = JobTime.FromUnixMs(reader.GetInt64(2)),
                ChangedBy = reader.IsDBNull(3) ? null : reader.GetString(3),
            };
    }
}
