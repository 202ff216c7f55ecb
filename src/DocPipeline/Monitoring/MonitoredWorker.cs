using DocPipeline.Jobs;

namespace DocPipeline.Monitoring;

/// <summary>A worker as a monitor sees it: its last heartbeat and what that means now.</summary>
/// <param name="State"><c>alive</c>, <c>stuck</c> (alive, but a lease it holds expired unrenewed), <c>stopped</c> (stopped cleanly) or <c>gone</c> (no heartbeat for <c>Monitoring:WorkerExpiry</c>).</param>
/// <param name="Heartbeat">The last heartbeat.</param>
/// <param name="Leases">How many running jobs the worker holds.</param>
public sealed record MonitoredWorker(string State, WorkerHeartbeat Heartbeat, int Leases)
{
    /// <summary>The state of a worker that records its heartbeat.</summary>
    public const string Alive = "alive";

    /// <summary>The state of a live worker that holds a lease that expired without renewal.</summary>
    public const string Stuck = "stuck";

    /// <summary>The state of a worker that stopped cleanly.</summary>
    public const string Stopped = "stopped";

    /// <summary>The state of a worker whose heartbeat expired (killed, crashed or cut off).</summary>
    public const string Gone = "gone";
}
