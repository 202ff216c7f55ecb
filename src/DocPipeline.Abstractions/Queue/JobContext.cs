using DocPipeline.Jobs;

namespace DocPipeline.Queue;

/// <summary>What a <see cref="IJobHandler"/> knows about the job it runs, and how it reports back.</summary>
public abstract class JobContext
{
    /// <summary>Gets the job as it was when it was claimed.</summary>
    public abstract JobRecord Job { get; }

    /// <summary>Gets the checkpoint saved by an earlier attempt, or <see langword="null"/>.</summary>
    public abstract string? Checkpoint { get; }

    /// <summary>Records progress, from 0 to 1.</summary>
    /// <param name="progress">The progress.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the progress is stored.</returns>
    public abstract Task ReportProgressAsync(double progress, CancellationToken cancellationToken = default);

    /// <summary>Saves a checkpoint so that a later attempt continues from it instead of starting over.</summary>
    /// <param name="checkpoint">The checkpoint state.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the checkpoint is durable.</returns>
    /// <exception cref="Jobs.JobLeaseLostException">The lease was lost; another worker owns the job now.</exception>
    public abstract Task SaveCheckpointAsync(string checkpoint, CancellationToken cancellationToken = default);
}
