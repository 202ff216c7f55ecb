namespace DocPipeline.Queue;

/// <summary>The worker heartbeat of a queue run: what a monitor in another process sees of this worker.</summary>
internal sealed partial class DocumentQueue
{
    /// <summary>Gets the writer of this worker's heartbeats; <see langword="null"/> records none.</summary>
    internal Monitoring.WorkerHeartbeatWriter? Heartbeats { get; init; }

    /// <summary>Records this run's heartbeat (as worker <see cref="Owner"/>, the lease owner of its jobs) until <paramref name="stop"/>.</summary>
    private Task RecordWorkerHeartbeatsAsync(CancellationToken stop) =>
        Heartbeats is { } heartbeats ? heartbeats.RunAsync(Owner, () => RunningCount, stop) : Task.CompletedTask;
}
