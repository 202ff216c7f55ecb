using DocPipeline.Ingestion;
using DocPipeline.Monitoring;
using DocPipeline.WebHost.Api;
using DocPipeline.WebHost.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost.Pages;

/// <summary>The overview: jobs by state, throughput, running batches, and ingest.</summary>
public sealed class IndexModel(ReadSide reads, IOptions<WebHostOptions> options) : DashboardPage
{
    /// <summary>Gets the monitor's snapshot.</summary>
    public MonitorSnapshot Snapshot { get; private set; } = new();

    /// <summary>Gets the folders ingest may read.</summary>
    public IList<string> Roots => options.Value.AllowedSourceRoots;

    internal DashboardState State => HttpContext.RequestServices.GetRequiredService<DashboardState>();

    /// <summary>Gets what this server's worker does: idle, processing, or waiting for another process that writes the folder.</summary>
    public string Worker => HttpContext.RequestServices.GetRequiredService<FolderWorker>().State;

    /// <summary>Reads the snapshot.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken) => Snapshot = await reads.Get<IPipelineMonitor>().GetSnapshotAsync(cancellationToken);

    /// <summary>Starts an ingest of the given sources in the background.</summary>
    public Task<IActionResult> OnPostIngestAsync(string? sources, string? mode) => WriteAsync(() =>
    {
        var list = (sources ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
        {
            throw new ArgumentException("Give at least one source.", nameof(sources));
        }

        HttpContext.RequestServices.GetRequiredService<SourceRoots>().ThrowIfNotAllowed(list);
        var options = new IngestOptions { UpdateMode = WebWords.Parse<UpdateMode>(mode, nameof(mode)) ?? UpdateMode.Auto, LinkRoots = HttpContext.RequestServices.GetRequiredService<SourceRoots>().Folders };
        return Task.FromResult(State.TryStartIngest(list, options)
            ? $"Ingest of {list.Length} source(s) started."
            : "An ingest is already running; wait for it to finish.");
    });
}
