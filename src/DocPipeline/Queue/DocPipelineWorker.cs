using DocPipeline.Ingestion;
using Microsoft.Extensions.Hosting;

namespace DocPipeline.Queue;

/// <summary>
/// Runs the <see cref="IDocumentQueue"/> for the lifetime of a host, and its periodic maintenance (the retention
/// settings, at start and then daily). On stop, running jobs get <c>DocPipeline:Queue:ShutdownTimeout</c> to finish
/// before they are cancelled and given back; keep the host's own shutdown timeout longer than that.
/// </summary>
internal sealed partial class DocPipelineWorker(IDocumentQueue queue, RunHousekeeping housekeeping, TimeProvider time, Storage.DataFolderWriter? writer = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave StartAsync at once even if the first store calls complete synchronously.
        await Task.Yield();

        // The worker host is the data folder's writer for its lifetime; another writing process makes it wait its turn.
        if (writer is not null)
        {
            await writer.EnterAsync(stoppingToken).ConfigureAwait(false);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var maintenance = MaintainAsync(stop.Token);
        try
        {
            await queue.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await maintenance.ConfigureAwait(false);
        }
    }
}
