using Microsoft.Extensions.Hosting;

namespace DocPipeline.Queue;

/// <summary>
/// Runs the <see cref="IDocumentQueue"/> for the lifetime of a host. On stop, running jobs get
/// <c>DocPipeline:Queue:ShutdownTimeout</c> to finish before they are cancelled and given back; keep the host's own
/// shutdown timeout longer than that.
/// </summary>
internal sealed class DocPipelineWorker(IDocumentQueue queue, Storage.DataFolderWriter? writer = null) : BackgroundService
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

        await queue.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
