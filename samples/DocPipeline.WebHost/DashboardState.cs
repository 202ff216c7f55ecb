using DocPipeline.Consistency;
using DocPipeline.Ingestion;

namespace DocPipeline.WebHost;

/// <summary>
/// What the dashboard remembers between requests: the last verify result, and the ingest runs started from the page
/// (they run in the background, bounded to one at a time, and stop with the host).
/// </summary>
internal sealed partial class DashboardState(WriterSide writer, IHostApplicationLifetime lifetime, ILogger<DashboardState> logger)
{
    private readonly Lock _gate = new();
    private Task? _ingest;

    /// <summary>Gets the last verify report of this process, if any.</summary>
    public ConsistencyReport? LastVerify { get; private set; }

    /// <summary>Gets the result of the last ingest started from the page, once it ended.</summary>
    public IngestResult? LastIngest { get; private set; }

    /// <summary>Gets the error of the last ingest started from the page, if it failed as a whole.</summary>
    public string? LastIngestError { get; private set; }

    /// <summary>Gets a value indicating whether an ingest started from the page is running.</summary>
    public bool IsIngesting
    {
        get
        {
            lock (_gate)
            {
                return _ingest is { IsCompleted: false };
            }
        }
    }

    /// <summary>Records a verify result.</summary>
    public void Verified(ConsistencyReport report) => LastVerify = report;

    /// <summary>Starts an ingest in the background; false when one is already running.</summary>
    public bool TryStartIngest(IReadOnlyList<string> sources, IngestOptions options)
    {
        lock (_gate)
        {
            if (_ingest is { IsCompleted: false })
            {
                return false;
            }

            LastIngestError = null;
            _ingest = Task.Run(() => RunAsync(sources, options, lifetime.ApplicationStopping));
            return true;
        }
    }

    private async Task RunAsync(IReadOnlyList<string> sources, IngestOptions options, CancellationToken cancellationToken)
    {
        try
        {
            LastIngest = await writer.RunAsync<IDocPipeline, IngestResult>((docs, token) => docs.IngestAsync(sources, options, token), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LastIngestError = "Stopped with the server.";
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FolderBusyException or IOException or UnauthorizedAccessException or DocPipelineStorageException)
        {
            LastIngestError = ex.Message;
            LogIngestFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "An ingest started from the dashboard failed.")]
    private static partial void LogIngestFailed(ILogger logger, Exception exception);
}
