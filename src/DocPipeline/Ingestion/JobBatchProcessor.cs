using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DocPipeline.Ingestion;

/// <summary>
/// Runs one batch of jobs to the end: a <see cref="DocumentQueue"/> processes jobs while the caller enqueues them,
/// and the batch is over when the job store has no pending or processing job of it left, whichever process ran them
/// and however many attempts they took.
/// </summary>
internal sealed class JobBatchProcessor(
    IJobStore jobs,
    IJobHandler handler,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILoggerFactory? loggerFactory = null,
    Storage.DataFolderWriter? writer = null,
    Monitoring.WorkerHeartbeatWriter? heartbeats = null)
{
    private static readonly TimeSpan CompletionPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The processor of the container <paramref name="services"/>, with its <see cref="IJobHandler"/> resolved only when
    /// the first job runs (see <see cref="DeferredJobHandler"/>): a batch with nothing to do never builds it.
    /// </summary>
    public static JobBatchProcessor Create(IServiceProvider services) => new(
        services.GetRequiredService<IJobStore>(),
        new DeferredJobHandler(services.GetRequiredService<IJobHandler>),
        services.GetRequiredService<IOptions<DocPipelineOptions>>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetService<ILoggerFactory>(),
        services.GetService<Storage.DataFolderWriter>(),
        services.GetService<Monitoring.WorkerHeartbeatWriter>());

    /// <summary>
    /// Processes the batch <paramref name="batchId"/>: lets <paramref name="enqueue"/> add the batch's jobs through a
    /// <see cref="BatchQueue"/>, runs them with <paramref name="maxConcurrent"/> slots (processing starts with the
    /// first job, so a batch with nothing to do costs no queue housekeeping), and returns when every job of the batch
    /// has finished.
    /// </summary>
    public async Task ProcessAsync(string batchId, int? maxConcurrent, Func<BatchQueue, Task> enqueue, CancellationToken cancellationToken)
    {
        // Another process writing the folder: wait for it before queuing jobs that would supersede its own.
        if (writer is not null)
        {
            await writer.EnterAsync(cancellationToken).ConfigureAwait(false);
        }

        using var processing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = new BatchQueue(CreateQueue(maxConcurrent), processing.Token);
        try
        {
            await enqueue(queue).ConfigureAwait(false);
            if (queue.Worker is not { } worker)
            {
                return;
            }

            var finished = WaitForBatchAsync(batchId, queue.Queue, processing.Token);

            // A queue that fails (its store is gone) must end the wait instead of leaving it polling forever.
            if (await Task.WhenAny(finished, worker).ConfigureAwait(false) == worker)
            {
                await worker.ConfigureAwait(false);
                throw new InvalidOperationException("The document queue stopped before the batch finished.");
            }

            await finished.ConfigureAwait(false);
        }
        finally
        {
            await processing.CancelAsync().ConfigureAwait(false);
            if (queue.Worker is { } worker)
            {
                try
                {
                    await worker.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping the queue is how a batch ends.
                }
            }
        }
    }

    /// <summary>Adds a batch's jobs; the queue starts processing with the first job added.</summary>
    internal sealed class BatchQueue(DocumentQueue queue, CancellationToken processing)
    {
        /// <summary>The queue that runs the batch's jobs in this process.</summary>
        public DocumentQueue Queue => queue;

        /// <summary>The running queue, once a job was added.</summary>
        public Task? Worker { get; private set; }

        /// <summary>Persists <paramref name="requests"/> as jobs of the batch and makes sure the queue runs them.</summary>
        /// <returns>The jobs created, in the order of <paramref name="requests"/>.</returns>
        public async Task<IReadOnlyList<JobRecord>> EnqueueAsync(IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken)
        {
            if (requests.Count == 0)
            {
                return [];
            }

            var created = await queue.EnqueueAsync(requests, cancellationToken).ConfigureAwait(false);
            Worker ??= queue.RunAsync(processing);
            return created;
        }
    }

    /// <summary>A queue over the job store and the registered handler, with <paramref name="maxConcurrent"/> slots
    /// (<see langword="null"/>: <c>Queue:MaxConcurrent</c>).</summary>
    public DocumentQueue CreateQueue(int? maxConcurrent) =>
        new(jobs, handler, options, time, loggerFactory?.CreateLogger<DocumentQueue>(), maxConcurrent) { Heartbeats = heartbeats };

    /// <summary>
    /// Returns once the store has no active job of the batch. It looks whenever the local queue runs out of jobs (the
    /// usual end: no poll interval lost after the last job) and at least every <see cref="CompletionPollInterval"/>
    /// (jobs of the batch that other processes run, or that wait for a retry).
    /// </summary>
    private async Task WaitForBatchAsync(string batchId, DocumentQueue queue, CancellationToken cancellationToken)
    {
        while ((await jobs.GetCountsAsync(batchId, cancellationToken).ConfigureAwait(false)).Active > 0)
        {
            await queue.WaitForIdleAsync(CompletionPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
