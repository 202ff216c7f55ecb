using System.Text.Json;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe batch</c> as a script sees it: JSON on stdout, progress lines, exit codes.</summary>
public sealed class BatchCommandTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    [Fact]
    public async Task Batch_Json_PrintsOneObjectWithTheDocumentedShapeAndExits1WhenASourceFailed()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 3);
        var empty = _directory.Write("src/empty.txt", string.Empty);

        var run = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var json = run.Json();
        AssertNumber(json, "total", 4);
        AssertNumber(json, "added", 3);
        AssertNumber(json, "updated", 0);
        AssertNumber(json, "skipped", 0);
        AssertNumber(json, "failed", 1);
        Assert.True(json.GetProperty("chunks_embedded").GetInt32() >= 3, run.ToString());
        Assert.True(json.GetProperty("duration_ms").GetInt64() >= 0, run.ToString());
        var failure = Assert.Single(json.GetProperty("failures").EnumerateArray().ToList());
        Assert.Equal(empty, failure.GetProperty("source").GetString());
        Assert.Contains("empty", failure.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_SecondRunOverTheSameSources_ReportsAllSkippedAndEmbedsNothing()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 5);
        var first = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(first.ExitCode == 0, first.ToString());

        // No --embedder: the data folder remembers the one it was built with.
        var second = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--json");

        Assert.True(second.ExitCode == 0, second.ToString());
        var json = second.Json();
        AssertNumber(json, "total", 5);
        AssertNumber(json, "skipped", 5);
        AssertNumber(json, "added", 0);
        AssertNumber(json, "updated", 0);
        AssertNumber(json, "failed", 0);
        AssertNumber(json, "chunks_embedded", 0);
        Assert.Empty(json.GetProperty("failures").EnumerateArray());
    }

    [Fact]
    public async Task BatchStatus_Json_PrintsExactlyTheFiveJobCounts()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 3);
        _directory.Write("src/empty.txt", string.Empty);
        await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");

        var status = await Docpipe.RunAsync("batch", "--status", "--data", Data, "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        var json = status.Json();
        Assert.Equal(["cancelled", "completed", "failed", "pending", "processing"], json.EnumerateObject().Select(p => p.Name).Order());
        AssertNumber(json, "pending", 0);
        AssertNumber(json, "processing", 0);
        AssertNumber(json, "completed", 3);
        AssertNumber(json, "failed", 1);
        AssertNumber(json, "cancelled", 0);
    }

    [Fact]
    public async Task Batch_OutputRedirectedWithoutJson_PrintsPlainProgressLinesAndASummary()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 20);

        var run = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, line => (line.StartsWith("discovering: ", StringComparison.Ordinal) || line.StartsWith("processing: ", StringComparison.Ordinal)) &&
                                       line.Contains(" done (added ", StringComparison.Ordinal));
        Assert.Contains("20 sources: 20 added, 0 updated, 0 skipped, 0 removed, 0 failed", lines);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.DoesNotContain('\r', run.Stdout);
    }

    [Theory]
    [InlineData("--src", "x", "--status")]
    [InlineData("--resume-jobs", "--status")]
    [InlineData]
    public async Task Batch_ConflictingOrMissingFlags_ExitsWithUsageErrorAndJsonError(params string[] flags)
    {
        var run = await Docpipe.RunAsync(["batch", .. flags, "--data", Data, "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.False(string.IsNullOrWhiteSpace(run.Json().GetProperty("error").GetString()), run.ToString());
        Assert.False(Directory.Exists(Data), "A usage error must not create the data folder.");
    }

    [Theory]
    [InlineData("--max-concurrent", "0", "--max-concurrent must be between 1 and 1024")]
    [InlineData("--max-concurrent", "5000", "--max-concurrent must be between 1 and 1024")]
    [InlineData("--priority", "99999", "--priority must be between -1000 and 1000")]
    public async Task Batch_NumberOutOfRange_ExitsWithUsageErrorNamingTheFlag(string flag, string value, string expected)
    {
        var run = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 1), flag, value, "--data", Data, "--embedder", "hash", "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(expected, run.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_AnotherEmbedderThanTheDataFolderWasBuiltWith_RefusedWithUsageErrorBeforeAnyJob()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 2);
        var built = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());
        GeneratedCorpus.Write(_directory.File("src"), 3, seed: 8);

        var refused = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "minilm", "--json");

        Assert.True(refused.ExitCode == 2, refused.ToString());
        var error = refused.Json().GetProperty("error").GetString();
        Assert.Contains("docpipeline-hashing", error, StringComparison.Ordinal);
        Assert.Contains("MiniLM", error, StringComparison.Ordinal);
        var status = (await Docpipe.RunAsync("batch", "--status", "--data", Data, "--json")).Json();
        AssertNumber(status, "completed", 2);
        AssertNumber(status, "failed", 0);
        AssertNumber(status, "pending", 0);
    }

    [Fact]
    public async Task Batch_RegistryFileDamaged_ExitsWithStorageErrorNamingTheFile()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 1);
        Directory.CreateDirectory(Data);
        var registry = Path.Combine(Data, "registry.db");
        File.WriteAllBytes(registry, Enumerable.Repeat((byte)0x5A, 8192).ToArray());

        var run = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains(registry, run.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_WithKeywordsAfterSrc_AcceptedAsAFlagAndBothIndexesWritten()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 3);

        var run = await Docpipe.RunAsync("batch", "--src", source, "--with-keywords", "--data", Data, "--embedder", "hash", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        AssertNumber(run.Json(), "added", 3);
        AssertNumber(run.Json(), "failed", 0);
        var keyword = await Docpipe.RunAsync("search", "harbour", "--mode", "keyword", "--data", Data, "--json");
        Assert.True(keyword.ExitCode == 0, keyword.ToString());
        Assert.NotEqual(0, keyword.Json().GetProperty("hits").GetArrayLength());
    }

    public void Dispose() => _directory.Dispose();

    private static void AssertNumber(JsonElement json, string property, long expected)
    {
        Assert.True(json.TryGetProperty(property, out var value), $"No \"{property}\" in {json}.");
        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        Assert.Equal(expected, value.GetInt64());
    }
}
