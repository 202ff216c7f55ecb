namespace DocPipeline.Queue;

/// <summary>
/// Lets a job tell its queue that what it has left to do is mostly waiting for durable writes (group commits of the
/// registry, the indexes and the job store), so that the queue may start another job in its place.
/// </summary>
/// <remarks>
/// A queue bounds how many jobs read, chunk and embed at once (<c>Queue:MaxConcurrent</c>). A job that waits for
/// commits uses no core, and a commit shared by more waiting jobs costs the same, so holding a slot while waiting
/// only slows the run. The queue allows up to <see cref="DocumentQueue.WaitingJobsPerSlot"/> waiting jobs per slot,
/// holding at most <see cref="DocumentQueue.WaitingBytesBudget"/> together; past that, releasing does nothing and the
/// job keeps its slot, which keeps memory bounded.
/// </remarks>
internal interface IJobSlotRelease
{
    /// <summary>Gives back the job's processing slot, if the queue has room for one more waiting job.</summary>
    /// <param name="heldBytes">About how much memory the job holds while it waits (its chunks and vectors).</param>
    void ReleaseProcessingSlot(long heldBytes);
}
