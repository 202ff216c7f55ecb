using DocPipeline.Jobs;
using DocPipeline.Registry;

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

    /// <summary>
    /// Gets the fence of the running attempt (its document and lease token), with which a handler fences every registry
    /// write it makes, or <see langword="null"/> when the queue does not fence writes.
    /// </summary>
    /// <value>The default value is <see langword="null"/>; a queue that holds jobs under leases overrides it.</value>
    public virtual WriteFence? WriteFence => null;

    /// <summary>
    /// Tells the queue that what the job has left to do is mostly waiting for durable writes (group commits of the
    /// registry, the indexes and the job store), so that the queue may start another job in its place.
    /// </summary>
    /// <remarks>
    /// A queue bounds how many jobs read, chunk and embed at once. A job that waits for commits uses no core, so
    /// holding a slot while waiting only slows the run. A queue may refuse (for example when too many jobs or too much
    /// memory already wait): then the job keeps its slot, which keeps memory bounded. The default does nothing.
    /// </remarks>
    /// <param name="heldBytes">About how much memory the job holds while it waits (its chunks and vectors).</param>
    public virtual void ReleaseProcessingSlot(long heldBytes)
    {
    }
}
