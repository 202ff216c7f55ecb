using DocPipeline.Configuration;

namespace DocPipeline.Jobs;

/// <summary>
/// What a job store needs from <see cref="QueueOptions"/>, copied once so that later changes to the options object
/// have no effect on a running store; the random source is injectable so tests can pin the retry jitter.
/// </summary>
internal sealed record JobStoreSettings
{
    /// <summary>Gets how many times a job created without its own maximum may be claimed.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Gets the priority of jobs created without one.</summary>
    public int DefaultPriority { get; init; }

    /// <summary>Gets the delay before the first retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the longest delay between retries.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the share of each retry delay that is randomized, from 0 to 1.</summary>
    public double RetryJitter { get; init; } = 0.2;

    /// <summary>Gets the source of random numbers in [0, 1) used for the jitter.</summary>
    public Func<double> NextRandom { get; init; } = Random.Shared.NextDouble;

    /// <summary>Copies the store settings out of the queue options.</summary>
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
    public TimeSpan RetryDelay(int attempts)
    {
        // Beyond 2^40 every realistic base delay is past the cap; stopping there keeps the double finite.
        var exponent = Math.Clamp(attempts - 1, 0, 40);
        var backoff = Math.Min(RetryMaxDelay.TotalMilliseconds, RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var random = Math.Clamp(NextRandom(), 0.0, 1.0);
        return TimeSpan.FromMilliseconds(backoff * (1 - (RetryJitter * random)));
    }

    /// <summary>The record of a new pending job for <paramref name="request"/>, due now; the store assigns its sequence.</summary>
    public JobRecord NewJob(JobRequest request, DateTimeOffset now)
    {
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
