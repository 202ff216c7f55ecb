using Microsoft.Extensions.Logging;

namespace DocPipeline.Queue;

/// <summary>The document queue's log messages (event ids 1100-1199).</summary>
internal static partial class QueueLog
{
    [LoggerMessage(1100, LogLevel.Information, "Document queue {Owner} started: up to {MaxConcurrent} jobs at a time")]
    public static partial void RunStarted(ILogger logger, string owner, int maxConcurrent);

    [LoggerMessage(1101, LogLevel.Information, "Document queue {Owner} stopped")]
    public static partial void RunStopped(ILogger logger, string owner);

    [LoggerMessage(1102, LogLevel.Information, "Stopping: waiting up to {Grace} for {Count} running jobs, then cancelling them and giving them back")]
    public static partial void Draining(ILogger logger, int count, TimeSpan grace);

    [LoggerMessage(1103, LogLevel.Warning, "Worker {DeadOwner} on this machine is gone; {Count} of its jobs can be resumed at once")]
    public static partial void DeadWorkerLeasesExpired(ILogger logger, string deadOwner, int count);

    [LoggerMessage(1104, LogLevel.Information, "Deleted {Count} finished jobs older than {RetentionDays} days")]
    public static partial void Purged(ILogger logger, int count, int retentionDays);

    [LoggerMessage(1105, LogLevel.Debug, "Job {JobId} ({JobType} of document {DocumentId}) completed")]
    public static partial void JobCompleted(ILogger logger, string jobId, Jobs.JobType jobType, string documentId);

    [LoggerMessage(1106, LogLevel.Warning, "Job {JobId} ({JobType} of document {DocumentId}) failed on attempt {Attempt} of {MaxAttempts}; it will be retried: {Error}")]
    public static partial void JobRetryScheduled(ILogger logger, string jobId, Jobs.JobType jobType, string documentId, int attempt, int maxAttempts, string error);

    [LoggerMessage(1107, LogLevel.Error, "Job {JobId} ({JobType} of document {DocumentId}) failed after {Attempt} attempts: {Error}")]
    public static partial void JobFailed(ILogger logger, string jobId, Jobs.JobType jobType, string documentId, int attempt, string error);

    [LoggerMessage(1108, LogLevel.Information, "Job {JobId} (document {DocumentId}) was cancelled while running")]
    public static partial void JobCancelled(ILogger logger, string jobId, string documentId);

    [LoggerMessage(1109, LogLevel.Information, "Job {JobId} (document {DocumentId}) was given back unfinished because the queue is stopping")]
    public static partial void JobReleased(ILogger logger, string jobId, string documentId);

    [LoggerMessage(1110, LogLevel.Warning, "Lost the lease on job {JobId} (document {DocumentId}): it expired or another worker took the job; this attempt's outcome is dropped")]
    public static partial void LeaseLost(ILogger logger, string jobId, string documentId);

    [LoggerMessage(1111, LogLevel.Error, "Could not claim jobs; trying again in {PollInterval}")]
    public static partial void ClaimFailed(ILogger logger, Exception exception, TimeSpan pollInterval);

    [LoggerMessage(1112, LogLevel.Error, "Could not record the outcome of job {JobId}; its lease will expire and another attempt will run it")]
    public static partial void RecordFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(1113, LogLevel.Warning, "Could not renew the leases of {Count} running jobs; they are retried at the next heartbeat")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(1114, LogLevel.Warning, "Housekeeping of the job store failed (dead-worker recovery or cleanup); the queue goes on")]
    public static partial void HousekeepingFailed(ILogger logger, Exception exception);
}
