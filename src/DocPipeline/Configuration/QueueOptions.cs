using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of the job store and the document queue (<c>DocPipeline:Queue</c>).</summary>
public sealed class QueueOptions
{
    /// <summary>Gets or sets the maximum number of jobs one queue processes (reads, chunks, embeds) at the same time.</summary>
    /// <remarks>
    /// An ingestion job spends most of its time waiting: for the embedder and for the group commits of the registry
    /// and both indexes, which every job waiting at that moment shares. The more jobs wait together, the fewer
    /// commits a batch needs. So once a job has staged its chunks and vectors and only waits for its writes to become
    /// durable, it gives its slot to the next job: up to 32 times this number of jobs may wait that way, holding at
    /// most 256 MB of chunks and vectors together (past that, a job keeps its slot while it waits). Each processing
    /// job holds one whole document: lower this for very large documents, such as PDFs of hundreds of megabytes.
    /// </remarks>
    /// <value>The default value is 32.</value>
    [Range(1, 1024)]
    public int MaxConcurrent { get; set; } = 32;

    /// <summary>
    /// Gets or sets a value indicating whether jobs are kept in the durable job store. It must stay
    /// <see langword="true"/>: an interrupted run resumes from that store, and a pipeline without one would lose queued
    /// work, so <see langword="false"/> is refused (tests that want a volatile store call <c>UseInMemoryJobStore()</c>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    [AllowedValues(true, ErrorMessage = "must be true: DocPipeline keeps every job in its durable job store so that an interrupted run resumes and loses nothing (false would lose queued work)")]
    public bool JobPersistence { get; set; } = true;

    /// <summary>Gets or sets the path of the SQLite job store.</summary>
    /// <value>The default value is <see langword="null"/>: <c>jobs.db</c> under the data directory.</value>
    [DataPath]
    public string? JobStoragePath { get; set; }

    /// <summary>Gets or sets how many days completed, failed and cancelled jobs are kept before cleanup deletes them.</summary>
    /// <value>The default value is 7.</value>
    [Range(0, 36500)]
    public int JobRetentionDays { get; set; } = 7;

    /// <summary>
    /// Gets or sets how many jobs are created in one store transaction and claimed in one round trip. A configuration
    /// file may also call it <c>chunk_size</c> (<c>DocPipeline:Queue:ChunkSize</c>).
    /// </summary>
    /// <value>The default value is 64.</value>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Gets or sets the priority of jobs created without one; higher runs first.</summary>
    /// <value>The default value is 0.</value>
    [Range(-1000, 1000)]
    public int DefaultPriority { get; set; }

    /// <summary>Gets or sets how long a claim lasts without a heartbeat. A crashed worker's jobs are taken over after this.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a running job's lease is renewed. Must be shorter than <see cref="LeaseDuration"/>.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many times a job is attempted before it stays failed.</summary>
    /// <value>
    /// The default value is 5: with an embedder that fails 10% of its calls, one job in 100,000 fails for good
    /// (with 3, one in 1,000: no margin on a 99.9% completion target, and a killed worker's jobs have used an attempt).
    /// </value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the delay before the first retry; each later retry doubles it.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest delay between retries.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the share of each retry delay that is randomized (0 = none, 1 = anywhere from zero to the full delay).</summary>
    /// <value>The default value is 0.2: a delay of 10 s becomes 8–10 s.</value>
    [Range(0.0, 1.0)]
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>Gets or sets how often an idle queue looks for new jobs (jobs enqueued in the same process wake it at once).</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long a stopping queue lets running jobs finish before it cancels them and gives them back.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
