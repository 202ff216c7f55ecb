using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Storage;

namespace DocPipeline.PostgreSql.Jobs;

/// <summary>The worker heartbeats and the pending-jobs summary of the PostgreSQL job store, for monitors on any machine.</summary>
internal sealed partial class PostgreSqlJobStore : IWorkerHeartbeatStore
{
    /// <summary>Schema step 3: one row per worker, its heartbeat as JSON beside the columns a query needs.</summary>
    private const string HeartbeatStep =
        """
        CREATE TABLE {schema}.workers (
            worker_id text COLLATE "C" PRIMARY KEY,
            seen_at timestamptz NOT NULL,
            heartbeat text NOT NULL
        );
        """;

    public Task RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        var json = WorkerHeartbeatFormat.Serialize(heartbeat);
        return _database.ExecuteAsync(
            Schema,
            "INSERT INTO {schema}.workers (worker_id, seen_at, heartbeat) VALUES (@id, @seen, @heartbeat) " +
            "ON CONFLICT (worker_id) DO UPDATE SET seen_at = excluded.seen_at, heartbeat = excluded.heartbeat;",
            p => p.Text("id", heartbeat.WorkerId).Time("seen", heartbeat.SeenAt).Text("heartbeat", json),
            cancellationToken);
    }

    public async Task<IReadOnlyList<WorkerHeartbeat>> ListWorkersAsync(CancellationToken cancellationToken = default) =>
        await _database.QueryAsync(
            Schema,
            "SELECT w.heartbeat FROM {schema}.workers AS w ORDER BY w.seen_at DESC, w.worker_id;",
            null,
            r => WorkerHeartbeatFormat.Deserialize(r.GetString(0)),
            cancellationToken).ConfigureAwait(false);

    public Task<int> RemoveWorkersAsync(DateTimeOffset seenBefore, CancellationToken cancellationToken = default) =>
        _database.ExecuteAsync(Schema, "DELETE FROM {schema}.workers AS w WHERE w.seen_at < @cutoff;", p => p.Time("cutoff", seenBefore), cancellationToken);

    public async Task<PendingJobsSummary> GetPendingSummaryAsync(CancellationToken cancellationToken = default)
    {
        var rows = await _database.QueryAsync(
            Schema,
            "SELECT j.priority, COUNT(*), MIN(j.created_at), COUNT(*) FILTER (WHERE j.attempts > 0) " +
            "FROM {schema}.jobs AS j WHERE j.status = 'pending' GROUP BY j.priority ORDER BY j.priority DESC;",
            null,
            r => (Priority: r.GetInt32(0), Count: r.GetInt64(1), Oldest: r.GetTime(2), Retries: r.GetInt64(3)),
            cancellationToken).ConfigureAwait(false);
        return new PendingJobsSummary(
            rows.Count == 0 ? null : rows.Min(r => r.Oldest),
            rows.Sum(r => r.Retries),
            rows.Select(r => new PriorityCount(r.Priority, r.Count)).ToList());
    }
}
