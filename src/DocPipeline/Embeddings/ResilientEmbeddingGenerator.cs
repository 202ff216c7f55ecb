using DocPipeline.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace DocPipeline.Embeddings;

/// <summary>
/// Stands between the pipeline and the embedding generator and absorbs what a remote service does under load: a
/// rate-limited answer pauses every call of the process for as long as the service asked and lowers concurrency
/// (<see cref="RateLimitGate"/>); a batch the service finds too large is split in halves that are sent again; a
/// passing fault is retried with exponential backoff and jitter; a permanent refusal is thrown at once. It also counts
/// calls, texts, tokens and the time lost to rate limits (<see cref="EmbeddingUsage"/>).
/// </summary>
/// <remarks>
/// Failures are read with <see cref="EmbeddingServiceException.Classify"/>; anything it does not recognize (a local
/// model's bug) is thrown unchanged. The halves of a split batch are sent one after the other, so the service never
/// sees more calls at once than <see cref="EmbeddingOptions.MaxConcurrentCalls"/>. The inner generator belongs to whoever
/// created it and is not disposed here.
/// </remarks>
internal sealed partial class ResilientEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly RateLimitGate _gate;
    private readonly EmbeddingUsage _usage;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _maxRateLimitWait;
    private readonly ResiliencePipeline _retry;

    public ResilientEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> innerGenerator, EmbeddingOptions options, EmbeddingUsage usage, TimeProvider time, ILogger logger)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        _usage = usage;
        _time = time;
        _logger = logger;
        _maxRateLimitWait = options.MaxRateLimitWait;
        _gate = new RateLimitGate(options.MaxConcurrentCalls, time);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is EmbeddingServiceException { Kind: EmbeddingFailureKind.Transient }),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    _usage.Retried();
                    Log.Retrying(_logger, args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            });
        }

        _retry = builder.Build();
    }

    /// <summary>Gets the shared rate-limit condition (tests read its limit).</summary>
    internal RateLimitGate Gate => _gate;

    /// <inheritdoc/>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        return await EmbedAsync(texts, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // The inner generator is not ours.
    }

    /// <summary>Embeds <paramref name="texts"/>, splitting them in halves for as long as the service finds them too large.</summary>
    private async Task<GeneratedEmbeddings<Embedding<float>>> EmbedAsync(
        IReadOnlyList<string> texts, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            var budget = new WaitBudget();
            return await _retry.ExecuteAsync(
                static async (state, token) => await state.Self.AttemptAsync(state.Texts, state.Options, state.Budget, token).ConfigureAwait(false),
                (Self: this, Texts: texts, Options: options, Budget: budget),
                cancellationToken).ConfigureAwait(false);
        }
        catch (EmbeddingServiceException ex) when (ex.Kind == EmbeddingFailureKind.TooLarge && texts.Count > 1)
        {
            _usage.Split();
            var half = texts.Count / 2;
            Log.Splitting(_logger, texts.Count, ex.StatusCode, ex.Message);
            var first = await EmbedAsync(texts.Take(half).ToArray(), options, cancellationToken).ConfigureAwait(false);
            var second = await EmbedAsync(texts.Skip(half).ToArray(), options, cancellationToken).ConfigureAwait(false);
            var merged = new GeneratedEmbeddings<Embedding<float>>(first.Concat(second));
            if (first.Usage is not null || second.Usage is not null)
            {
                merged.Usage = new UsageDetails
                {
                    InputTokenCount = (first.Usage?.InputTokenCount ?? 0) + (second.Usage?.InputTokenCount ?? 0),
                    TotalTokenCount = (first.Usage?.TotalTokenCount ?? 0) + (second.Usage?.TotalTokenCount ?? 0),
                };
            }

            return merged;
        }
    }

    /// <summary>One attempt: waits out rate limits (retrying rate-limited answers itself), and throws every other classified failure as an <see cref="EmbeddingServiceException"/>.</summary>
    private async Task<GeneratedEmbeddings<Embedding<float>>> AttemptAsync(
        IReadOnlyList<string> texts, EmbeddingGenerationOptions? options, WaitBudget budget, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (episode, paused) = await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
            if (paused > TimeSpan.Zero)
            {
                _usage.Waited(paused);
                budget.Waited += paused;
            }

            EmbeddingServiceException failure;
            try
            {
                var result = await InnerGenerator.GenerateAsync(texts, options, cancellationToken).ConfigureAwait(false);
                _gate.Succeeded();
                _usage.Called(texts.Count, result.Usage?.InputTokenCount);
                return result;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EmbeddingServiceException.Classify(ex) is { } classified)
            {
                failure = classified;
            }
            finally
            {
                _gate.Exit();
            }

            if (failure.Kind != EmbeddingFailureKind.RateLimited)
            {
                throw failure;
            }

            _usage.RateLimited();
            var wait = failure.RetryAfter ?? EmbeddingServiceException.DefaultRateLimitPause;
            _gate.RateLimited(episode, wait);
            Log.RateLimited(_logger, failure.StatusCode, wait, _gate.Limit);
            if (budget.Waited >= _maxRateLimitWait)
            {
                throw new EmbeddingServiceException(
                    $"The embedding service kept rate limiting this call for {budget.Waited.TotalSeconds:0} s " +
                    $"(Embedding:MaxRateLimitWait is {_maxRateLimitWait.TotalSeconds:0} s): {failure.Message}",
                    EmbeddingFailureKind.Transient, failure.StatusCode, failure.RetryAfter, failure);
            }
        }
    }

    /// <summary>The time one call (across its retries) has waited on rate limits.</summary>
    private sealed class WaitBudget
    {
        public TimeSpan Waited { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1701, LogLevel.Information, "The embedding service is rate limiting (status {StatusCode}): all embedding calls pause for {Wait}; up to {Limit} calls in parallel from now on")]
        public static partial void RateLimited(ILogger logger, int? statusCode, TimeSpan wait, int limit);

        [LoggerMessage(1702, LogLevel.Information, "The embedding service found a batch of {Count} texts too large (status {StatusCode}: {Message}); sending it in two halves")]
        public static partial void Splitting(ILogger logger, int count, int? statusCode, string message);

        [LoggerMessage(1703, LogLevel.Warning, "An embedding call failed; retry {Attempt} of {MaxRetries} in {Delay}: {Message}")]
        public static partial void Retrying(ILogger logger, int attempt, int maxRetries, TimeSpan delay, string? message);
    }
}
