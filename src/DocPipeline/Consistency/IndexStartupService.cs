using Microsoft.Extensions.Hosting;

namespace DocPipeline.Consistency;

/// <summary>Runs the <see cref="IndexStartupCheck"/> when the host starts, so a damaged index stops the host with a clear message (or is rebuilt).</summary>
internal sealed class IndexStartupService(IndexStartupCheck check) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => check.EnsureAsync(ownInstances: true, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
