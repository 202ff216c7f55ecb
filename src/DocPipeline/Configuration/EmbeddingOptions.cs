using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of how chunks are sent to the embedding generator (<c>DocPipeline:Embedding</c>).</summary>
public sealed class EmbeddingOptions
{
    /// <summary>Gets or sets the most texts sent to the generator in one call; concurrent jobs share calls up to this size.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many calls to the generator may run at once. A second call starts only when a full batch is
    /// waiting, so batches stay large. Raise it for a remote generator that serves calls in parallel; keep 1 for a
    /// local model, which already uses every core.
    /// </summary>
    /// <value>The default value is 1.</value>
    [Range(1, 256)]
    public int MaxConcurrentCalls { get; set; } = 1;

    /// <summary>
    /// Gets or sets how many times a call that failed for a passing reason (a timeout, a 5xx answer, a dropped
    /// connection) is tried again, with exponential backoff and jitter, before the jobs waiting for it fail. Answers
    /// that say the service is rate limiting (429, or 503 with <c>Retry-After</c>) are not counted here: they pause
    /// every call of the process instead (see <see cref="MaxRateLimitWait"/>).
    /// </summary>
    /// <value>The default value is 4.</value>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the delay before the first retry of a failed call; each later retry doubles it, with jitter.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long one call may keep waiting on the service's rate limits before the jobs waiting for it fail.
    /// While the service answers 429, every call of the process pauses as the service asks and the number of calls in
    /// parallel drops; jobs waiting meanwhile are neither failed nor charged an attempt.
    /// </summary>
    /// <value>The default value is 30 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(30);
}
