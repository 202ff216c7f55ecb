namespace DocPipeline.Jobs;

/// <summary>The worker heartbeats and the pending-jobs summary of the SQLite job store, for monitors in other processes.</summary>
internal sealed partial class SqliteJobStore : IWorkerHeartbeatStore
{
    /// <summary>Schema step 3: one row per worker, its heartbeat as JSON beside the columns a query needs.</summary>
    private const string HeartbeatStep =
        """
        CREATE TABLE workers (
            worker_id TEXT PRIMARY KEY,
            seen_at INTEGER NOT NULL,
            heartbeat TEXT NOT NULL
        );
        """;

    public Task RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        var json = WorkerHeartbeatFormat.Serialize(heartbeat);
        return WriteAsync(session => session.Execute(
            "INSERT INTO workers (worker_id, seen_at, heartbeat) VALUES ($id, $seen, $heartbeat) " +
            "ON CONFLICT (worker_id) DO UPDATE SET seen_at = excluded.seen_at, heartbeat = excluded.heartbeat;",
            ("$id", heartbeat.WorkerId),
            ("$seen", JobTime.ToUnixMs(heartbeat.SeenAt)),
            ("$heartbeat", json)), cancellationToken);
    }

    public Task<IReadOnlyList<WorkerHeartbeat>> ListWorkersAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync<IReadOnlyList<WorkerHeartbeat>>(session =>
        {
            var workers = new List<WorkerHeartbeat>();
            using var reader = session.Command("SELECT heartbeat FROM workers ORDER BY seen_at DESC, worker_id;").ExecuteReader();
            while (reader.Read())
            {
                workers.Add(WorkerHeartbeatFormat.Deserialize(reader.GetString(0)));
            }

            return workers;
        }, cancellationToken);

    public Task<int> RemoveWorkersAsync(DateTimeOffset seenBefore, CancellationToken cancellationToken = default) =>
        WriteAsync(session => session.Execute("DELETE FROM workers WHERE seen_at < $cutoff;", ("$cutoff", JobTime.ToUnixMs(seenBefore))), cancellationToken);

    public Task<PendingJobsSummary> GetPendingSummaryAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(session =>
        {
            long? oldest = null;
            long retries = 0;
            var byPriority = new List<PriorityCount>();
            using var reader = session.Command(
                "SELECT priority, COUNT(*), MIN(created_at), SUM(attempts > 0) FROM jobs WHERE status = 'pending' GROUP BY priority ORDER BY priority DESC;").ExecuteReader();
            while (reader.Read())
            {
                byPriority.Add(new PriorityCount(reader.GetInt32(0), reader.GetInt64(1)));
                var created = reader.GetInt64(2);
                oldest = oldest is { } o ? Math.Min(o, created) : created;
                retries += reader.GetInt64(3);
            }

            return new PendingJobsSummary(oldest is { } at ? JobTime.FromUnixMs(at) : null, retries, byPriority);
        }, cancellationToken);
}
