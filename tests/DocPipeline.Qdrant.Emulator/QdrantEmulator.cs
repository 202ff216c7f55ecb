using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>
/// A <b>test double</b> of the Qdrant server: the gRPC services <c>qdrant.Points</c>, <c>qdrant.Collections</c> and
/// <c>qdrant.Qdrant</c> (the calls DocPipeline's Qdrant backend makes, nothing more), served by ASP.NET Core on a
/// loopback port, so the real <c>Qdrant.Client</c> talks real HTTP/2 to it. It copies the behaviours the backend
/// depends on, as Qdrant documents them: point ids are UUIDs or unsigned integers (anything else is rejected with
/// "Unable to parse UUID"); cosine vectors are normalized on upsert; a second create answers <c>AlreadyExists</c>;
/// scroll pages end with <c>next_page_offset</c>; filters match keyword and integer payloads; in strict mode (Qdrant
/// Cloud's default) a filter on a field without a payload index is rejected ("Index required but not found"); counts
/// are exact (an approximate count is exact here too). It keeps everything in memory, counts the calls per method,
/// and can fail or delay the next calls of a method on a collection for fault tests. It is not a Qdrant: no HNSW (search is a brute
/// force scan), no snapshots, no persistence, no sharding.
/// </summary>
public sealed class QdrantEmulator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new(StringComparer.Ordinal);
    private WebApplication? _app;

    /// <summary>Gets the emulated server's data.</summary>
    public EmulatorCollections Collections { get; } = new();

    /// <summary>Gets the gRPC endpoint, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets or sets the API key every call must carry in its <c>api-key</c> header; <see langword="null"/> accepts any call.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Starts an emulator on a loopback port (0: any free port).</summary>
    public static async Task<QdrantEmulator> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        var emulator = new QdrantEmulator();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(emulator);
        var app = builder.Build();
        app.MapGrpcService<EmulatorPointsService>();
        app.MapGrpcService<EmulatorCollectionsService>();
        app.MapGrpcService<EmulatorHealthService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        emulator._app = app;
        return emulator;
    }

    /// <summary>How many calls of <paramref name="method"/> (for example <c>Points/Upsert</c>) on <paramref name="collection"/> the emulator answered or failed.</summary>
    public long Calls(string collection, string method) => _calls.TryGetValue(collection + "|" + method, out var count) ? count : 0;

    /// <summary>Every method called on <paramref name="collection"/> so far, with its count.</summary>
    public IReadOnlyDictionary<string, long> AllCalls(string collection) =>
        _calls.Where(c => c.Key.StartsWith(collection + "|", StringComparison.Ordinal)).ToDictionary(c => c.Key[(collection.Length + 1)..], c => c.Value, StringComparer.Ordinal);

    /// <summary>Forgets the call counts of <paramref name="collection"/>.</summary>
    public void ResetCalls(string collection)
    {
        foreach (var key in _calls.Keys.Where(k => k.StartsWith(collection + "|", StringComparison.Ordinal)))
        {
            _calls.TryRemove(key, out _);
        }
    }

    /// <summary>Fails the next <paramref name="times"/> calls of <paramref name="method"/> on <paramref name="collection"/> with <paramref name="code"/>, before they change anything.</summary>
    public void FailNext(string collection, string method, StatusCode code, int times = 1)
    {
        var queue = _faults.GetOrAdd(collection + "|" + method, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(new Fault(code, null));
        }
    }

    /// <summary>Holds the next <paramref name="times"/> calls of <paramref name="method"/> on <paramref name="collection"/> for <paramref name="delay"/> (or until the caller gives up) before answering.</summary>
    public void DelayNext(string collection, string method, TimeSpan delay, int times = 1)
    {
        var queue = _faults.GetOrAdd(collection + "|" + method, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(new Fault(null, delay));
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Counts a call, checks its API key, and applies an injected fault or delay.</summary>
    internal async Task EnterAsync(string collection, string method, ServerCallContext context)
    {
        var key = collection + "|" + method;
        _calls.AddOrUpdate(key, 1, (_, count) => count + 1);
        if (ApiKey is not null && context.RequestHeaders.GetValue("api-key") != ApiKey)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Invalid api-key"));
        }

        if (_faults.TryGetValue(key, out var queue) && queue.TryDequeue(out var fault))
        {
            if (fault.Delay is { } delay)
            {
                await Task.Delay(delay, context.CancellationToken).ConfigureAwait(false);
            }

            if (fault.Code is { } code)
            {
                throw new RpcException(new Status(code, $"injected fault on {method}"));
            }
        }
    }

    private sealed record Fault(StatusCode? Code, TimeSpan? Delay);
}
