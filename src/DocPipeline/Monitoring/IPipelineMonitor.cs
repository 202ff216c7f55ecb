namespace DocPipeline.Monitoring;

/// <summary>
/// Reads what every worker of a deployment records in the job store, from any process: a monitor never writes and
/// never takes the data folder's writer lock (open the pipeline with <c>DocPipeline:ReadOnly</c>).
/// </summary>
public interface IPipelineMonitor
{
    /// <summary>Takes a snapshot of the queue, the workers, throughput, latencies and resources; it opens no index.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The snapshot.</returns>
    Task<MonitorSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Judges the deployment: every store can be opened, the indexes agree, no worker is stuck, the failure rate, failed
    /// jobs and the oldest pending job are under their thresholds, and the disk has room (see <c>DocPipeline:Monitoring</c>).
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The health with its reasons.</returns>
    Task<MonitorHealth> CheckHealthAsync(CancellationToken cancellationToken = default);
}
