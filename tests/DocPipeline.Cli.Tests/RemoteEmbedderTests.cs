using System.Text;
using DocPipeline.OpenAI.Tests;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe batch --embedder openai</c> against a loopback server that follows the OpenAI embeddings API.</summary>
public sealed class RemoteEmbedderTests : IDisposable
{
    private const string Key = "sk-cli-test-9876543210SECRETKEY";
    private const string KeyVariable = "DOCPIPE_CLI_TEST_OPENAI_KEY";
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    [Fact]
    public async Task Batch_EmbedderOpenAIWhileTheServerRateLimits_NoFailureAndTheKeyIsNeverShownOrStored()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync(seed: 3);
        server.RequiredKey = Key;
        server.RateLimitShare = 0.3;
        server.Latency = TimeSpan.FromMilliseconds(10);
        var config = WriteConfig(server, batchSize: 4, concurrency: 2);
        var source = GeneratedCorpus.Write(_directory.File("src"), 40, bytes: 600);

        var run = await RunAsync("batch", "--config", config, "--src", source, "--embedder", "openai", "--json");
        var stats = await RunAsync("manage", "--stats", "--config", config, "--json");
        var show = await RunAsync("config", "show", "--config", config);
        var verbose = await RunAsync("batch", "--config", config, "--src", source, "--force-reprocess", "--verbose");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(40, json.GetProperty("added").GetInt32());
        Assert.Equal(0, json.GetProperty("failed").GetInt32());
        var embedding = json.GetProperty("embedding");
        Assert.True(embedding.GetProperty("calls").GetInt64() > 0, run.ToString());
        Assert.True(embedding.GetProperty("input_tokens").GetInt64() > 0, run.ToString());
        Assert.True(server.RateLimited > 0, "the server rate limited no call; the test proves nothing");
        Assert.InRange(server.MaxInFlight, 1, 2);
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Equal(embedding.GetProperty("calls").GetInt64(), stats.Json().GetProperty("embedding").GetProperty("calls").GetInt64());
        Assert.StartsWith("test-embedding-small:16", stats.Json().GetProperty("embedder").GetString(), StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        foreach (var output in new[] { run, stats, show, verbose })
        {
            Assert.DoesNotContain(Key, output.Stdout + output.Stderr, StringComparison.Ordinal);
        }

        Assert.False(DataFolderContains(Key));
    }

    [Fact]
    public async Task Batch_EmbedderOpenAIWithAWrongKey_FailsEachSourceAtOnceWithTheServiceMessage()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.RequiredKey = "sk-some-other-key";
        var config = WriteConfig(server, batchSize: 8, concurrency: 1);
        var source = GeneratedCorpus.Write(_directory.File("src"), 3, bytes: 400);

        var run = await RunAsync("batch", "--config", config, "--src", source, "--embedder", "openai", "--verbose");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Incorrect API key provided", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 failed", run.Stdout, StringComparison.Ordinal);
        Assert.InRange(server.Requests, 1, 3);
        Assert.DoesNotContain(Key, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.False(DataFolderContains(Key));
    }

    public void Dispose() => _directory.Dispose();

    private static Task<DocpipeResult> RunAsync(params string[] arguments)
    {
        var start = Docpipe.Start(arguments);
        start.Environment[KeyVariable] = Key;
        return Docpipe.RunAsync(start);
    }

    private string WriteConfig(OpenAIEmbeddingServer server, int batchSize, int concurrency) => _directory.Write(
        "docpipe.yaml",
        $"""
        data_directory: {Data}
        embedding:
          batch_size: {batchSize}
          max_concurrent_calls: {concurrency}
        openai:
          endpoint: {server.Endpoint}
          model: test-embedding-small
          dimensions: 16
          api_key_variable: {KeyVariable}
        """);

    private bool DataFolderContains(string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        return Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories).Any(file => File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0);
    }
}
