using System.Text.Json;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe search</c>: the JSON a script reads, and one real semantic query with the local MiniLM model.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    [Theory]
    [InlineData("hybrid")]
    [InlineData("keyword")]
    [InlineData("vector")]
    public async Task Search_Json_PrintsHitsWithTheDocumentedShape(string mode)
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 4);
        var built = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());

        var run = await Docpipe.RunAsync("search", "quiet harbour lantern", "--data", Data, "--mode", mode, "--top", "3", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var hits = run.Json().GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(3, hits.Count);
        Assert.All(hits, hit =>
        {
            Assert.StartsWith("doc-", hit.GetProperty("doc_id").GetString(), StringComparison.Ordinal);
            Assert.StartsWith(source, hit.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(hit.GetProperty("text").GetString()));
            Assert.Equal(JsonValueKind.Null, hit.GetProperty("page").ValueKind);
            Assert.Equal(JsonValueKind.Number, hit.GetProperty("score").ValueKind);
        });
        var scores = hits.Select(h => h.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Search_NoDataFolder_ExitsWithUsageError()
    {
        var run = await Docpipe.RunAsync("search", "anything", "--data", Data, "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no data folder", run.Json().GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Search_MiniLmOverTheSampleCorpus_RanksHoneybeeColoniesFirstForHowBeesMakeHoney()
    {
        var built = await Docpipe.RunAsync("batch", "--src", RepositoryPaths.CorpusDirectory, "--data", Data, "--embedder", "minilm", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Equal(15, built.Json().GetProperty("added").GetInt32());

        // No --embedder: search uses the one the folder was built with.
        var run = await Docpipe.RunAsync("search", "how do bees make honey", "--data", Data, "--mode", "vector", "--top", "3", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var first = run.Json().GetProperty("hits")[0];
        Assert.Equal("honeybee-colonies.md", Path.GetFileName(first.GetProperty("source").GetString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Search_EmptyOrBlankQuery_ExitsWithUsageError(string query)
    {
        var built = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 1), "--data", Data, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());

        var run = await Docpipe.RunAsync("search", query, "--data", Data, "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("query is empty", run.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_KeywordIndexDamaged_PrintsOnlyTheMessageUnlessVerbose()
    {
        var built = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 2), "--data", Data, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());
        foreach (var file in Directory.GetFiles(Path.Combine(Data, "keyword")))
        {
            File.WriteAllBytes(file, Enumerable.Repeat((byte)0x5A, 300).ToArray());
        }

        var run = await Docpipe.RunAsync("search", "harbour", "--data", Data);
        var verbose = await Docpipe.RunAsync("search", "harbour", "--data", Data, "--verbose");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("docpipe: The keyword index", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--->", run.Stderr, StringComparison.Ordinal);
        Assert.True(verbose.ExitCode == 3, verbose.ToString());
        Assert.Contains("   at Lucene.Net", verbose.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
