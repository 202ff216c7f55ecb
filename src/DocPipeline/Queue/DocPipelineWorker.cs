using Microsoft.Extensions.Hosting;

namespace DocPipeline.Queue;

/// <summary>
/// Runs the <see cref="IDocumentQueue"/> for the lifetime of a host. On stop, running jobs get
/// <c>DocPipeline:Queue:ShutdownTimeout</c> to finish before they are cancelled and given back; keep the host's own
/// shutdown timeout longer than that.
/// </summary>
internal sealed class DocPipelineWorker(IDocumentQueue queue) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave StartAsync at once even if the first store calls complete synchronously.
        await Task.Yield();
        await queue.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
