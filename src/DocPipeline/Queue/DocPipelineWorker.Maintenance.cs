namespace DocPipeline.Queue;

/// <summary>The worker's periodic maintenance.</summary>
internal sealed partial class DocPipelineWorker
{
    /// <summary>How often a worker applies the retention settings.</summary>
    internal static readonly TimeSpan MaintenanceInterval = TimeSpan.FromDays(1);

    /// <summary>Applies the retention settings at start and then every <see cref="MaintenanceInterval"/> until stopped; failures are logged.</summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await housekeeping.ApplyRetentionAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                await Task.Delay(MaintenanceInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
