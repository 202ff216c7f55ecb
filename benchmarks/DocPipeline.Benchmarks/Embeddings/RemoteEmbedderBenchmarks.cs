using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Ingestion;
using DocPipeline.OpenAI.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.Embeddings;

/// <summary>
/// Ingestion through the real OpenAI client against a loopback server that serves at most <see cref="RequestsPerSecond"/>
/// calls per second (one-second windows; above it, 429 with the rest of the window as <c>Retry-After</c>). The pipeline
/// offers far more (8 calls in parallel, 20 ms each: up to 400 calls/s). Printed after each run: calls served, 429
/// answers, the time until the served rate stays within 10% of R over every following two-second span, and the mean rate
/// from then on.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3, invocationCount: 1)]
public class RemoteEmbedderBenchmarks
{
    private const string KeyVariable = "DOCPIPE_BENCH_OPENAI_KEY";
    private OpenAIEmbeddingServer _server = null!;
    private ServiceProvider _services = null!;
    private string _root = string.Empty;
    private string _corpus = string.Empty;
    private DateTimeOffset _started;
    private IngestResult? _result;

    /// <summary>Gets or sets the calls per second the server allows.</summary>
    [Params(40)]
    public int RequestsPerSecond { get; set; }

    /// <summary>Gets or sets the number of one-chunk documents ingested.</summary>
    [Params(1600)]
    public int Documents { get; set; }

    [IterationSetup]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", "remote-" + Guid.NewGuid().ToString("N"));
        _corpus = Path.Combine(_root, "corpus");
        Directory.CreateDirectory(_corpus);
        for (var i = 0; i < Documents; i++)
        {
            File.WriteAllText(Path.Combine(_corpus, $"doc{i:D5}.txt"), $"Document {i} is about topic {i % 13} and item {i * 31 % 97}.");
        }

        _server = OpenAIEmbeddingServer.StartAsync().GetAwaiter().GetResult();
        _server.RequestsPerSecond = RequestsPerSecond;
        _server.Latency = TimeSpan.FromMilliseconds(20);
        Environment.SetEnvironmentVariable(KeyVariable, "sk-bench");
        var services = new ServiceCollection();
        services.AddDocPipeline(o =>
        {
            o.DataDirectory = Path.Combine(_root, "data");
            o.Embedding.BatchSize = 4;
            o.Embedding.MaxConcurrentCalls = 8;
        }).UseOpenAIEmbeddings(o =>
        {
            o.Endpoint = _server.Endpoint;
            o.Model = "bench-embedding";
            o.Dimensions = 16;
            o.ApiKeyVariable = KeyVariable;
        });
        _services = services.BuildServiceProvider();
    }

    [Benchmark]
    public async Task IngestAgainstRateLimitedServer()
    {
        _started = DateTimeOffset.UtcNow;
        _result = await _services.GetRequiredService<IDocPipeline>().IngestAsync([_corpus], new IngestOptions());
    }

    [IterationCleanup]
    public void CleanUp()
    {
        var served = _server.ServedAt.Select(t => (t - _started).TotalSeconds).Order().ToList();
        var seconds = (int)Math.Floor(served.Count == 0 ? 0 : served[^1]);
        var perSecond = new int[Math.Max(seconds, 0)];
        foreach (var t in served.Where(t => t < seconds))
        {
            perSecond[(int)t]++;
        }

        // Settled: from the first whole second after which every two-second span is within 10% of R (one-second spans
        // straddle the server's windows, which the pipeline meets in bursts, so they swing by half a window either way).
        var settle = perSecond.Length - 1;
        while (settle > 0 && Math.Abs(perSecond[settle - 1] + perSecond[settle] - (2 * RequestsPerSecond)) <= RequestsPerSecond * 0.2)
        {
            settle--;
        }

        var settledRate = perSecond.Length > settle ? perSecond.Skip(settle).Average() : double.NaN;
        Console.WriteLine(
            $"// R={RequestsPerSecond}/s: {_server.Served} calls served, {_server.RateLimited} answered 429 " +
            $"({100.0 * _server.RateLimited / Math.Max(1, _server.Requests):0.0}% of {_server.Requests} requests), max {_server.MaxInFlight} in flight; " +
            $"settled after {settle} s at {settledRate:0.0} calls/s over {perSecond.Length - settle} whole seconds; " +
            $"failed {_result?.Failed}, waited {_result?.Embedding.RateLimitWait.TotalSeconds:0.0} s in total on rate limits; " +
            $"per second: {string.Join(' ', perSecond)}");
        _services.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Environment.SetEnvironmentVariable(KeyVariable, null);
        Directory.Delete(_root, recursive: true);
    }
}
