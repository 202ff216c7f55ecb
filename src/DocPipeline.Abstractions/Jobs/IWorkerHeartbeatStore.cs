namespace DocPipeline.Jobs;

/// <summary>
/// Where every worker process records its heartbeat (one row per queue run), so that a monitor in another process, on
/// another machine or after a crash sees who works, on what, how fast and with which resources.
/// </summary>
/// <remarks>
/// The built-in job stores (SQLite and PostgreSQL) implement it in their own files, so the heartbeats live beside the
/// jobs the workers hold. DocPipeline finds it in dependency injection; a job store of your own that does not register
/// one simply has no worker rows to show.
/// </remarks>
public interface IWorkerHeartbeatStore
{
    /// <summary>Records (inserts or replaces) the heartbeat of <see cref="WorkerHeartbeat.WorkerId"/>.</summary>
    /// <param name="heartbeat">The heartbeat.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the heartbeat is durable.</returns>
    Task RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default);

    /// <summary>Lists every recorded worker, the most recently seen first.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The workers, live, stopped and gone alike; the caller decides which are stale.</returns>
    Task<IReadOnlyList<WorkerHeartbeat>> ListWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the workers last seen before <paramref name="seenBefore"/>.</summary>
    /// <param name="seenBefore">The cutoff.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of workers removed.</returns>
    Task<int> RemoveWorkersAsync(DateTimeOffset seenBefore, CancellationToken cancellationToken = default);
}
