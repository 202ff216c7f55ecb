namespace DocPipeline.Embeddings;

/// <summary>What the pipeline does about a failed call to the embedding service (see <see cref="EmbeddingServiceException"/>).</summary>
public enum EmbeddingFailureKind
{
    /// <summary>The request itself is wrong (bad key, bad model, invalid input): the waiting jobs fail at once with the service's message.</summary>
    Permanent,

    /// <summary>A passing fault (timeout, 5xx, dropped connection): the call is tried again with backoff and jitter.</summary>
    Transient,

    /// <summary>The service is rate limiting (429, or 503 with <c>Retry-After</c>): every call of the process pauses and concurrency drops.</summary>
    RateLimited,

    /// <summary>The batch is too large for the service (413, or too many tokens): it is split in halves that are sent again.</summary>
    TooLarge,
}
