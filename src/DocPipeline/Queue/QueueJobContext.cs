using DocPipeline.Jobs;
using DocPipeline.Registry;

namespace DocPipeline.Queue;

/// <summary>The <see cref="JobContext"/> a queue hands to its handler; progress and checkpoints go to the store under the job's lease.</summary>
internal sealed class QueueJobContext(IJobStore store, RunningJob job, Action<RunningJob, long> releaseSlot, TimeSpan leaseDuration)
    : JobContext
{
    private string? _checkpoint = job.Lease.Job.Checkpoint;
    private WriteFence? _fence;

    public override JobRecord Job => job.Lease.Job;

    public override string? Checkpoint => Volatile.Read(ref _checkpoint);

    public override async Task ReportProgressAsync(double progress, CancellationToken cancellationToken = default)
    {
        // Progress is advisory: a lost lease fires the job's token rather than failing the call.
        if (!await store.ReportProgressAsync(job.Lease, progress, cancellationToken).ConfigureAwait(false))
        {
            job.MarkLeaseLost();
        }
    }

    /// <summary>Gets the fence of this attempt: the job's document and lease token; never <see langword="null"/>.</summary>
    public override WriteFence WriteFence => _fence ??= new WriteFence(job.Lease.Job.DocumentId, job.Lease.Token, ConfirmLeaseAsync, () => job.LeaseLost);

    /// <summary>
    /// Gives back the job's processing slot, if the queue has room for one more waiting job: up to
    /// <see cref="DocumentQueue.WaitingJobsPerSlot"/> waiting jobs per slot, holding at most
    /// <see cref="DocumentQueue.WaitingBytesBudget"/> together.
    /// </summary>
    public override void ReleaseProcessingSlot(long heldBytes) => releaseSlot(job, heldBytes);

    public override async Task SaveCheckpointAsync(string checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!await store.SaveCheckpointAsync(job.Lease, checkpoint, cancellationToken).ConfigureAwait(false))
        {
            job.MarkLeaseLost();
            throw new JobLeaseLostException(
                $"The lease on job {job.Id} (document '{job.Lease.Job.DocumentId}') was lost: it expired or was taken over by another worker, so this attempt must stop.");
        }

        Volatile.Write(ref _checkpoint, checkpoint);
    }

    /// <summary>Renews the lease (as the heartbeat does) and says whether it is still held.</summary>
    private async Task<bool> ConfirmLeaseAsync(CancellationToken cancellationToken)
    {
        var renewal = await store.RenewLeaseAsync(job.Lease, leaseDuration, cancellationToken).ConfigureAwait(false);
        if (!renewal.Renewed)
        {
            job.MarkLeaseLost();
        }

        return renewal.Renewed;
    }
}
