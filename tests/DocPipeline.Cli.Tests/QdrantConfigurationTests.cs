using DocPipeline.Qdrant.Emulator;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe</c> with a <c>qdrant:</c> section in its configuration file: the vector index is that collection.</summary>
public sealed class QdrantConfigurationTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task QdrantSection_BatchSearchStatsVerifyRebuild_UseTheCollection()
    {
        await using var emulator = await QdrantEmulator.StartAsync();
        var source = GeneratedCorpus.Write(_directory.File("src"), 5);
        var config = _directory.Write("docpipe.yaml", $"data_directory: {_directory.File("data")}\nqdrant:\n  endpoint: {emulator.Endpoint}\n  collection_name: cli_chunks\n");

        var built = await Docpipe.RunAsync("batch", "--src", source, "--config", config, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());
        var points = emulator.Collections.Get("cli_chunks").Count(null);
        Assert.True(points > 0);

        var search = await Docpipe.RunAsync("search", "quiet harbour lantern", "--config", config, "--mode", "vector", "--top", "3", "--json");
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Equal(3, search.Json().GetProperty("hits").GetArrayLength());
        var stats = await Docpipe.RunAsync("manage", "--stats", "--config", config);
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Contains($"{points} in the vector index", stats.Stdout, StringComparison.Ordinal);

        emulator.Collections.Delete("cli_chunks");
        var broken = await Docpipe.RunAsync("manage", "--verify-consistency", "--config", config);
        Assert.NotEqual(0, broken.ExitCode);
        var rebuilt = await Docpipe.RunAsync("manage", "--rebuild-index", "vector", "--config", config);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        Assert.Equal(points, emulator.Collections.Get("cli_chunks").Count(null));
        var verified = await Docpipe.RunAsync("manage", "--verify-consistency", "--config", config);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("qdrant store: intact", verified.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
