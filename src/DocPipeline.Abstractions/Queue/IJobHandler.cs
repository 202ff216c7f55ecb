namespace DocPipeline.Queue;

/// <summary>Does the work of one job. The document queue calls it for every job it claims.</summary>
/// <remarks>
/// Return normally to complete the job. Throw <see cref="Jobs.PermanentJobFailureException"/> to fail it without
/// retries; any other exception fails the attempt and the job is retried with backoff while attempts are left.
/// When the cancellation token fires because the job was cancelled, throw
/// <see cref="OperationCanceledException"/>. A handler must be idempotent: after a crash the same job runs again,
/// with the last checkpoint it saved.
/// </remarks>
public interface IJobHandler
{
    /// <summary>Runs one job.</summary>
    /// <param name="context">The job, its checkpoint, and ways to report progress.</param>
    /// <param name="cancellationToken">Fires when the job is cancelled or the queue shuts down.</param>
    /// <returns>An optional result recorded with the completed job.</returns>
    Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken);
}
