using System.Diagnostics.Metrics;
using DocPipeline.Diagnostics;

namespace DocPipeline.Embeddings;

/// <summary>The process's running embedding counters (one per container), read as <see cref="EmbeddingStatistics"/> and published on the <c>DocPipeline</c> meter.</summary>
internal sealed class EmbeddingUsage
{
    private static readonly Counter<long> CallCounter = DocPipelineDiagnostics.Meter.CreateCounter<long>("docpipeline.embedding.calls", description: "Successful calls to the embedding generator.");
    private static readonly Counter<long> TextCounter = DocPipelineDiagnostics.Meter.CreateCounter<long>("docpipeline.embedding.texts", description: "Texts embedded.");
    private static readonly Counter<long> TokenCounter = DocPipelineDiagnostics.Meter.CreateCounter<long>("docpipeline.embedding.input_tokens", description: "Input tokens the embedding service reported.");
    private static readonly Counter<long> RateLimitCounter = DocPipelineDiagnostics.Meter.CreateCounter<long>("docpipeline.embedding.rate_limited", description: "Answers of the embedding service that said it was rate limiting.");
    private static readonly Counter<double> WaitCounter = DocPipelineDiagnostics.Meter.CreateCounter<double>("docpipeline.embedding.rate_limit_wait", unit: "s", description: "Time calls waited for the embedding service's rate limits.");

    private long _calls;
    private long _texts;
    private long _inputTokens;
    private long _rateLimited;
    private long _retries;
    private long _splits;
    private long _waitTicks;

    public void Called(int texts, long? inputTokens)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _texts, texts);
        CallCounter.Add(1);
        TextCounter.Add(texts);
        if (inputTokens is { } tokens)
        {
            Interlocked.Add(ref _inputTokens, tokens);
            TokenCounter.Add(tokens);
        }
    }

    public void RateLimited()
    {
        Interlocked.Increment(ref _rateLimited);
        RateLimitCounter.Add(1);
    }

    public void Retried() => Interlocked.Increment(ref _retries);

    public void Split() => Interlocked.Increment(ref _splits);

    public void Waited(TimeSpan wait)
    {
        Interlocked.Add(ref _waitTicks, wait.Ticks);
        WaitCounter.Add(wait.TotalSeconds);
    }

    public EmbeddingStatistics Read() => new()
    {
        Calls = Interlocked.Read(ref _calls),
        Texts = Interlocked.Read(ref _texts),
        InputTokens = Interlocked.Read(ref _inputTokens),
        RateLimited = Interlocked.Read(ref _rateLimited),
        Retries = Interlocked.Read(ref _retries),
        Splits = Interlocked.Read(ref _splits),
        RateLimitWait = TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks)),
    };
}
