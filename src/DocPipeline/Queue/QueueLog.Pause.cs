using Microsoft.Extensions.Logging;

namespace DocPipeline.Queue;

/// <summary>The document queue's log messages about the durable pause (event ids 1120-1129).</summary>
internal static partial class QueueLog
{
    [LoggerMessage(1120, LogLevel.Warning, "The job queue is paused (since {Since} by {By}): no new job starts until it is resumed ('docpipe jobs resume')")]
    public static partial void Paused(ILogger logger, DateTimeOffset? since, string by);

    [LoggerMessage(1121, LogLevel.Information, "The job queue was resumed")]
    public static partial void Resumed(ILogger logger);

    [LoggerMessage(1122, LogLevel.Information, "The job queue was paused with 'now': interrupting {Count} running jobs at their next checkpoint and giving them back")]
    public static partial void Interrupting(ILogger logger, int count);

    [LoggerMessage(1123, LogLevel.Warning, "Could not read the job queue's pause flag; trying again in {Interval}")]
    public static partial void PauseCheckFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(1124, LogLevel.Warning, "The job store {Store} keeps no pause flag: only this queue pauses, until this process ends")]
    public static partial void PauseNotDurable(ILogger logger, string store);
}
