using DocPipeline.Configuration;

namespace DocPipeline.Jobs;

/// <summary>
/// What a job store needs from <see cref="QueueOptions"/>: the attempts budget, the default priority and the retry
/// backoff. A store copies them once (<see cref="From"/>), so later changes to the options object have no effect on a
/// running store; the random source is injectable so tests can pin the retry jitter.
/// </summary>
public sealed record JobStoreSettings
{
    /// <summary>Gets how many times a job created without its own maximum may be claimed.</summary>
    /// <value>The default value is 5.</value>
    public int MaxAttempts
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, $"{nameof(MaxAttempts)} must be at least 1.");
    } = 5;

    /// <summary>Gets the priority of jobs created without one.</summary>
    /// <value>The default value is 0.</value>
    public int DefaultPriority { get; init; }

    /// <summary>Gets the delay before the first retry.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan RetryBaseDelay
    {
        get;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(RetryBaseDelay), value, $"{nameof(RetryBaseDelay)} must not be negative.");
    } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the longest delay between retries.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan RetryMaxDelay
    {
        get;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(RetryMaxDelay), value, $"{nameof(RetryMaxDelay)} must not be negative.");
    } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the share of each retry delay that is randomized, from 0 to 1.</summary>
    /// <value>The default value is 0.2.</value>
    public double RetryJitter
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(RetryJitter), value, $"{nameof(RetryJitter)} must be between 0 and 1.");
    } = 0.2;

    /// <summary>Gets the source of random numbers in [0, 1) used for the jitter.</summary>
    /// <value>The default value is <see cref="Random.NextDouble"/> of <see cref="Random.Shared"/>.</value>
    public Func<double> NextRandom
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(NextRandom));
    } = Random.Shared.NextDouble;

    /// <summary>Copies the store settings out of the queue options.</summary>
    /// <param name="options">The queue options (<see cref="DocPipelineOptions.Queue"/>).</param>
    /// <returns>The settings.</returns>
    public static JobStoreSettings From(QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new JobStoreSettings
        {
            MaxAttempts = options.MaxAttempts,
            DefaultPriority = options.DefaultPriority,
            RetryBaseDelay = options.RetryBaseDelay,
            RetryMaxDelay = options.RetryMaxDelay,
            RetryJitter = options.RetryJitter,
        };
    }

    /// <summary>
    /// The delay before the next attempt of a job that has been claimed <paramref name="attempts"/> times:
    /// <c>min(RetryMaxDelay, RetryBaseDelay * 2^(attempts - 1)) * (1 - RetryJitter * random)</c>.
    /// </summary>
    /// <param name="attempts">How many times the job was claimed, the failed attempt included.</param>
    /// <returns>The delay from the failure to the next attempt.</returns>
    public TimeSpan RetryDelay(int attempts)
    {
        // Beyond 2^40 every realistic base delay is past the cap; stopping there keeps the double finite.
        var exponent = Math.Clamp(attempts - 1, 0, 40);
        var backoff = Math.Min(RetryMaxDelay.TotalMilliseconds, RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var random = Math.Clamp(NextRandom(), 0.0, 1.0);
        return TimeSpan.FromMilliseconds(backoff * (1 - (RetryJitter * random)));
    }

    /// <summary>
    /// Creates the record of a new pending job for <paramref name="request"/>, due now, with a new id
    /// (<see cref="JobRules.NewJobId"/>), times at whole milliseconds, and this store's defaults for what the request
    /// leaves open; the store assigns its <see cref="JobRecord.Sequence"/>.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="now">The creation time.</param>
    /// <returns>The record to store.</returns>
    public JobRecord NewJob(JobRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var at = JobTime.FromUnixMs(JobTime.ToUnixMs(now));
        return new JobRecord
        {
            Id = JobRules.NewJobId(now),
            DocumentId = request.DocumentId,
            Source = request.Source,
            Type = request.Type,
            Priority = request.Priority ?? DefaultPriority,
            Status = JobStatus.Pending,
            MaxAttempts = request.MaxAttempts ?? MaxAttempts,
            Payload = request.Payload,
            BatchId = request.BatchId,
            CreatedAt = at,
            UpdatedAt = at,
            NextAttemptAt = at,
        };
    }
}
