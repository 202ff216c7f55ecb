using System.Globalization;

namespace DocPipeline.Embeddings;

/// <summary>
/// A call to a remote embedding service failed, and how the pipeline should react: pause for rate limits, split a
/// batch that is too large, retry a passing fault, or fail the jobs at once. A provider package throws it from its
/// generator (usually through <see cref="FromHttpResponse"/>), so the pipeline's shared rate-limit handling works with
/// any service; <see cref="HttpRequestException"/>s and timeouts are recognized without it.
/// </summary>
public class EmbeddingServiceException : Exception
{
    /// <summary>The pause taken when a rate-limited answer does not say how long to wait.</summary>
    internal static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(1);

    /// <summary>Initializes a new instance of the <see cref="EmbeddingServiceException"/> class, a permanent failure.</summary>
    public EmbeddingServiceException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingServiceException"/> class, a permanent failure.</summary>
    /// <param name="message">The message.</param>
    public EmbeddingServiceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingServiceException"/> class, a permanent failure.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingServiceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingServiceException"/> class.</summary>
    /// <param name="message">The message, such as the service's own explanation.</param>
    /// <param name="kind">What the pipeline does about it.</param>
    /// <param name="statusCode">The HTTP status code of the answer, if there was one.</param>
    /// <param name="retryAfter">How long the service asked to wait, if it said.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingServiceException(string message, EmbeddingFailureKind kind, int? statusCode, TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets what the pipeline does about the failure.</summary>
    public EmbeddingFailureKind Kind { get; }

    /// <summary>Gets the HTTP status code of the service's answer, or <see langword="null"/> when there was no answer.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets how long the service asked to wait (<c>Retry-After</c>, <c>x-ratelimit-reset-*</c>), or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Classifies an HTTP answer of an embedding service: 429, and 503 with a wait, are rate limits (waiting what
    /// <c>Retry-After</c>, <c>retry-after-ms</c> or <c>x-ratelimit-reset-requests</c>/<c>-tokens</c> say); 413, and 400
    /// saying the input has too many tokens, are batches too large; 408, 409, other 5xx are passing faults; anything
    /// else (401, 403, 404, 400) is permanent.
    /// </summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="message">The service's explanation, used as the exception's message.</param>
    /// <param name="header">Reads a response header by name (case-insensitive), or returns <see langword="null"/>.</param>
    /// <param name="innerException">The provider's own exception.</param>
    /// <returns>The classified exception.</returns>
    public static EmbeddingServiceException FromHttpResponse(int statusCode, string message, Func<string, string?> header, Exception? innerException)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(header);
        var wait = ReadWait(header);
        var kind = statusCode switch
        {
            429 => EmbeddingFailureKind.RateLimited,
            503 when wait is not null => EmbeddingFailureKind.RateLimited,
            413 => EmbeddingFailureKind.TooLarge,
            400 when SaysTooManyTokens(message) => EmbeddingFailureKind.TooLarge,
            408 or 409 or >= 500 => EmbeddingFailureKind.Transient,
            _ => EmbeddingFailureKind.Permanent,
        };
        return new EmbeddingServiceException(message, kind, statusCode, wait, innerException);
    }

    /// <summary>Classifies any exception a generator threw (call only when the caller did not cancel), or returns <see langword="null"/> for one that is not about the service (a bug).</summary>
    internal static EmbeddingServiceException? Classify(Exception exception) => exception switch
    {
        EmbeddingServiceException known => known,
        HttpRequestException { StatusCode: { } status } http => FromHttpResponse((int)status, http.Message, static _ => null, http),
        HttpRequestException http => new EmbeddingServiceException(http.Message, EmbeddingFailureKind.Transient, null, null, http),
        TimeoutException or IOException => new EmbeddingServiceException(exception.Message, EmbeddingFailureKind.Transient, null, null, exception),

        // Only asked when the caller did not cancel: a client's own timeout.
        OperationCanceledException => new EmbeddingServiceException($"The embedding call timed out: {exception.Message}", EmbeddingFailureKind.Transient, null, null, exception),
        _ => null,
    };

    private static bool SaysTooManyTokens(string message) =>
        message.Contains("token", StringComparison.OrdinalIgnoreCase) &&
        (message.Contains("maximum", StringComparison.OrdinalIgnoreCase) || message.Contains("too many", StringComparison.OrdinalIgnoreCase) ||
         message.Contains("too long", StringComparison.OrdinalIgnoreCase) || message.Contains("limit", StringComparison.OrdinalIgnoreCase));

    /// <summary>The longest wait any of the rate-limit headers asks for, or <see langword="null"/> when none says.</summary>
    private static TimeSpan? ReadWait(Func<string, string?> header)
    {
        TimeSpan? wait = null;
        if (header("retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            wait = TimeSpan.FromMilliseconds(millis);
        }
        else if (header("Retry-After") is { } retryAfter)
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                wait = TimeSpan.FromSeconds(seconds);
            }
            else if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                wait = Max(TimeSpan.Zero, at - TimeProvider.System.GetUtcNow());
            }
        }

        // x-ratelimit-remaining-* at 0 means the reset is the wait; OpenAI spells resets as durations ("1s", "6m0s", "20ms").
        foreach (var limit in (ReadOnlySpan<string>)["requests", "tokens"])
        {
            if (header($"x-ratelimit-remaining-{limit}") is "0" && header($"x-ratelimit-reset-{limit}") is { } reset && ParseDuration(reset) is { } resetIn)
            {
                wait = wait is null ? resetIn : Max(wait.Value, resetIn);
            }
        }

        return wait;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Reads <c>1.5</c> (seconds), <c>20ms</c>, <c>1s</c>, <c>6m0s</c>, <c>1h2m3.5s</c>.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return plain >= 0 ? TimeSpan.FromSeconds(plain) : null;
        }

        var total = TimeSpan.Zero;
        var position = 0;
        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && (char.IsDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            var unitStart = position;
            while (position < text.Length && char.IsLetter(text[position]))
            {
                position++;
            }

            if (start == unitStart || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unit = text[unitStart..position];
            total += unit switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => TimeSpan.MinValue,
            };
            if (total < TimeSpan.Zero)
            {
                return null;
            }
        }

        return total;
    }
}
