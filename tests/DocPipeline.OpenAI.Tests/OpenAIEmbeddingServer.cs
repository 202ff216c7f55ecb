using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Net.Sockets;

namespace DocPipeline.OpenAI.Tests;

/// <summary>
/// A loopback HTTP server (<see cref="HttpListener"/> on 127.0.0.1, a free port) that follows the OpenAI embeddings API:
/// <c>POST {base}/embeddings</c> with <c>model</c>, <c>input</c> (a string or a list), optional <c>dimensions</c> and
/// <c>encoding_format</c> (<c>float</c> or <c>base64</c>), answering <c>data[].embedding</c> and <c>usage</c>. Vectors are
/// deterministic per text. Faults are injected by the settable properties; everything it saw is counted.
/// </summary>
public sealed class OpenAIEmbeddingServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly ConcurrentQueue<string> _authorizations = new();
    private int _inFlight;
    private int _maxInFlight;
    private long _requests;
    private long _served;
    private long _rateLimited;
    private long _tooLarge;
    private long _textsServed;
    private DateTimeOffset _windowStart;
    private int _windowCount;
    private int _serverErrors;

    private OpenAIEmbeddingServer(HttpListener listener, int seed)
    {
        _listener = listener;
        _random = new Random(seed);
    }

    /// <summary>Gets the base address to configure as the endpoint (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets or sets the dimensions of the vectors when the request does not ask.</summary>
    public int Dimensions { get; set; } = 16;

    /// <summary>Gets or sets the API key every request must carry; <see langword="null"/> accepts any.</summary>
    public string? RequiredKey { get; set; }

    /// <summary>Gets or sets the share of calls answered 429 with <c>Retry-After: <see cref="RetryAfterSeconds"/></c>.</summary>
    public double RateLimitShare { get; set; }

    /// <summary>Gets or sets the <c>Retry-After</c> value (seconds) sent with a 429.</summary>
    public double RetryAfterSeconds { get; set; } = 1;

    /// <summary>Gets or sets the most texts a call may hold; above it the answer is 413. 0 = no limit.</summary>
    public int MaxTextsPerCall { get; set; }

    /// <summary>Gets or sets the requests per second served (a one-second window); above it the answer is 429 with the rest of the window as Retry-After. 0 = no limit.</summary>
    public int RequestsPerSecond { get; set; }

    /// <summary>Gets or sets how many of the next calls are answered 500 (a passing fault).</summary>
    public int ServerErrors
    {
        get => Volatile.Read(ref _serverErrors);
        set => Volatile.Write(ref _serverErrors, value);
    }

    /// <summary>Gets or sets a delay added to every served call, as a real service takes time.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets the most requests the server was handling at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Gets the number of requests received.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the number of requests answered with embeddings.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Gets the number of 429 answers.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Gets the number of 413 answers.</summary>
    public long TooLarge => Interlocked.Read(ref _tooLarge);

    /// <summary>Gets the number of texts embedded.</summary>
    public long TextsServed => Interlocked.Read(ref _textsServed);

    /// <summary>Gets every Authorization header received.</summary>
    public IReadOnlyCollection<string> Authorizations => _authorizations;

    /// <summary>Gets the time of every served call, for throughput over time.</summary>
    public ConcurrentQueue<DateTimeOffset> ServedAt { get; } = new();

    /// <summary>Starts a server on a free loopback port.</summary>
    public static Task<OpenAIEmbeddingServer> StartAsync(int seed = 1)
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // Another process took the port in between: try another.
                listener.Close();
                continue;
            }

            var server = new OpenAIEmbeddingServer(listener, seed) { Endpoint = new Uri($"http://127.0.0.1:{port}/v1") };
            server._loop = Task.Run(server.AcceptAsync);
            return Task.FromResult(server);
        }
    }

    /// <summary>The vector the server gives <paramref name="text"/>: deterministic, L2-normalized.</summary>
    public static float[] VectorOf(string text, int dimensions)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (hash[i % hash.Length] - 127.5f) * (1 + (i / hash.Length));
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _loop;
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var now = Interlocked.Increment(ref _inFlight);
        lock (_lock)
        {
            _maxInFlight = Math.Max(_maxInFlight, now);
        }

        try
        {
            if (context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == "/v1/embeddings")
            {
                await AnswerAsync(context);
            }
            else
            {
                await ErrorAsync(context, 404, "Not found.", "not_found");
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            context.Response.Close();
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var authorization = context.Request.Headers["Authorization"] ?? string.Empty;
        _authorizations.Enqueue(authorization);
        if (RequiredKey is { } key && authorization != $"Bearer {key}")
        {
            await ErrorAsync(context, 401, "Incorrect API key provided. You can find your API key at https://example.invalid/keys.", "invalid_api_key");
            return;
        }

        var body = await JsonNode.ParseAsync(context.Request.InputStream) ?? throw new InvalidOperationException("empty body");
        var input = body["input"] switch
        {
            JsonArray array => array.Select(n => n!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        if (input.Count == 0 || body["model"] is null)
        {
            await ErrorAsync(context, 400, "'input' and 'model' are required.", "invalid_request");
            return;
        }

        if (Interlocked.Decrement(ref _serverErrors) >= 0)
        {
            await ErrorAsync(context, 500, "The server had an error while processing your request.", "server_error");
            return;
        }

        Interlocked.Increment(ref _serverErrors);
        if (RateLimitedNow(out var retryAfter))
        {
            Interlocked.Increment(ref _rateLimited);
            context.Response.Headers["Retry-After"] = retryAfter.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            await ErrorAsync(context, 429, "Rate limit reached for requests. Please try again later.", "rate_limit_exceeded");
            return;
        }

        if (MaxTextsPerCall > 0 && input.Count > MaxTextsPerCall)
        {
            Interlocked.Increment(ref _tooLarge);
            await ErrorAsync(context, 413, $"Too many inputs: at most {MaxTextsPerCall} per request.", "request_too_large");
            return;
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency);
        }

        var dimensions = body["dimensions"]?.GetValue<int>() ?? Dimensions;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        var tokens = 0;
        for (var i = 0; i < input.Count; i++)
        {
            var vector = VectorOf(input[i], dimensions);
            tokens += input[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var answer = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]!.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        Interlocked.Increment(ref _served);
        Interlocked.Add(ref _textsServed, input.Count);
        ServedAt.Enqueue(DateTimeOffset.UtcNow);
        await WriteAsync(context, 200, answer);
    }

    private bool RateLimitedNow(out double retryAfter)
    {
        retryAfter = RetryAfterSeconds;
        lock (_lock)
        {
            if (RateLimitShare > 0 && _random.NextDouble() < RateLimitShare)
            {
                return true;
            }

            if (RequestsPerSecond > 0)
            {
                var now = DateTimeOffset.UtcNow;
                if (now - _windowStart >= TimeSpan.FromSeconds(1))
                {
                    _windowStart = now;
                    _windowCount = 0;
                }

                if (++_windowCount > RequestsPerSecond)
                {
                    retryAfter = Math.Max(0.001, (TimeSpan.FromSeconds(1) - (now - _windowStart)).TotalSeconds);
                    return true;
                }
            }
        }

        return false;
    }

    private static Task ErrorAsync(HttpListenerContext context, int status, string message, string code) =>
        WriteAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = code } });

    private static async Task WriteAsync(HttpListenerContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }
}
