namespace DocPipeline.Embeddings;

/// <summary>What the embedding generator was asked to do and what it cost: calls, texts, tokens, and time lost to rate limits.</summary>
public sealed record EmbeddingStatistics
{
    /// <summary>Gets an instance with every count at zero.</summary>
    public static EmbeddingStatistics Empty { get; } = new();

    /// <summary>Gets the number of calls to the generator that succeeded (a batch split in two counts its two halves).</summary>
    public long Calls { get; init; }

    /// <summary>Gets the number of texts embedded.</summary>
    public long Texts { get; init; }

    /// <summary>Gets the input tokens the service reported in its <c>usage</c> field (0 when it does not report them).</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the number of answers that said the service was rate limiting (429, or 503 with a wait).</summary>
    public long RateLimited { get; init; }

    /// <summary>Gets the number of calls tried again after a passing fault (timeout, 5xx, dropped connection).</summary>
    public long Retries { get; init; }

    /// <summary>Gets the number of batches split in two because the service found them too large.</summary>
    public long Splits { get; init; }

    /// <summary>Gets the time calls spent waiting for the service's rate limits to lift, summed over calls.</summary>
    public TimeSpan RateLimitWait { get; init; }

    /// <summary>Gets the counts of this instance less those of <paramref name="earlier"/>: what happened in between.</summary>
    /// <param name="earlier">An earlier reading of the same counters.</param>
    /// <returns>The difference.</returns>
    public EmbeddingStatistics Since(EmbeddingStatistics earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new()
        {
            Calls = Calls - earlier.Calls,
            Texts = Texts - earlier.Texts,
            InputTokens = InputTokens - earlier.InputTokens,
            RateLimited = RateLimited - earlier.RateLimited,
            Retries = Retries - earlier.Retries,
            Splits = Splits - earlier.Splits,
            RateLimitWait = RateLimitWait - earlier.RateLimitWait,
        };
    }

    /// <summary>Gets the counts of this instance plus those of <paramref name="other"/>.</summary>
    /// <param name="other">Counts to add.</param>
    /// <returns>The sum.</returns>
    public EmbeddingStatistics Add(EmbeddingStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            Calls = Calls + other.Calls,
            Texts = Texts + other.Texts,
            InputTokens = InputTokens + other.InputTokens,
            RateLimited = RateLimited + other.RateLimited,
            Retries = Retries + other.Retries,
            Splits = Splits + other.Splits,
            RateLimitWait = RateLimitWait + other.RateLimitWait,
        };
    }
}
