using DocPipeline.Ingestion;
using DocPipeline.Jobs;

namespace DocPipeline.WebHost;

/// <summary>
/// The host's queue worker: whenever jobs are pending, the queue is running and no other process writes the data
/// folder, it runs them to the end in the <see cref="WriterSide"/> (which then closes and lets the folder go). Unlike
/// the library's hosted worker it does not hold the folder for the host's lifetime, so a <c>docpipe batch</c> started
/// beside the dashboard gets its turn, and the host picks up what is left after it.
/// </summary>
internal sealed partial class FolderWorker(IJobStore jobs, WriterSide writer, ILogger<FolderWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private volatile string _state = "idle: no job is pending.";

    /// <summary>Gets what the worker does now, as the overview shows it.</summary>
    public string State => _state;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DocPipelineStorageException or IOException or InvalidOperationException)
            {
                _state = $"failed: {ex.Message} It tries again.";
                LogFailed(logger, ex);
                await Task.Delay(PollInterval * 5, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var counts = await jobs.GetCountsAsync(cancellationToken: cancellationToken);
        if (counts.Pending == 0 && counts.Processing == 0)
        {
            _state = writer.OtherWriter() is { } other ? $"idle: {other} is writing the data folder." : "idle: no job is pending.";
            return;
        }

        if (writer.OtherWriter() is { } writing)
        {
            _state = $"waiting: {writing} is writing the data folder; its jobs run there, and this server takes what is left when it has finished.";
            return;
        }

        if ((await jobs.GetPauseStateAsync(cancellationToken)).IsPaused)
        {
            _state = "paused: the queue is paused; no job starts until it is resumed.";
            return;
        }

        _state = "processing the pending jobs.";
        try
        {
            await writer.RunAsync<IDocPipeline, IngestResult>((docs, token) => docs.ResumeAsync(new IngestOptions(), token), cancellationToken);
        }
        catch (FolderBusyException ex)
        {
            // Another process took the folder between the check and the opening: its turn.
            _state = $"waiting: {ex.Message}";
        }
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "The web host's worker could not run the pending jobs.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
