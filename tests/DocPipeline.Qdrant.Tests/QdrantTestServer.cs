using DocPipeline.Qdrant.Emulator;
using DocPipeline.Qdrant.Indexing;
using Microsoft.Extensions.Options;

namespace DocPipeline.Qdrant.Tests;

/// <summary>The emulator every test of this process shares (each test uses its own collection), and the real server when one is configured.</summary>
internal static class QdrantTestServer
{
    /// <summary>The environment variable naming a real Qdrant's gRPC endpoint, for example <c>http://localhost:6334</c>.</summary>
    public const string EndpointVariable = "DOCPIPELINE_QDRANT_ENDPOINT";

    private static readonly Lazy<Task<QdrantEmulator>> SharedEmulator = new(() => QdrantEmulator.StartAsync());

    /// <summary>Gets the shared emulator, started on first use.</summary>
    public static Task<QdrantEmulator> EmulatorAsync() => SharedEmulator.Value;

    /// <summary>The real server's endpoint; skips the test (with the reason) when none is configured.</summary>
    public static Uri RealEndpoint()
    {
        var value = Environment.GetEnvironmentVariable(EndpointVariable);
        Skip.If(string.IsNullOrWhiteSpace(value), $"{EndpointVariable} is not set: no real Qdrant server to run against (see README, \"Qdrant\").");
        return new Uri(value!);
    }

    /// <summary>A collection name no other test uses.</summary>
    public static string NewCollection() => "test_" + Guid.NewGuid().ToString("N");

    /// <summary>Options for a test: short retry delays so fault tests take little time.</summary>
    public static QdrantVectorIndexOptions Options(Uri endpoint, string collection, Action<QdrantVectorIndexOptions>? configure = null)
    {
        var options = new QdrantVectorIndexOptions
        {
            Endpoint = endpoint,
            CollectionName = collection,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            ApiKey = Environment.GetEnvironmentVariable("DOCPIPELINE_QDRANT_API_KEY"),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A connection for a test; the caller disposes it.</summary>
    public static QdrantConnection Connect(QdrantVectorIndexOptions options) => new(Microsoft.Extensions.Options.Options.Create(options));
}
