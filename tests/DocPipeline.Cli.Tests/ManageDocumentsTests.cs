using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe manage</c>'s document actions, run as a child process on a real data folder.</summary>
public sealed class ManageDocumentsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    [Fact]
    public async Task Remove_Json_ReportsTheChunksItRemoved()
    {
        var (id, chunks) = await IndexOneLongDocumentAsync();

        var run = await Docpipe.RunAsync("manage", "--remove", id, "--data", Data, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("removed", run.Json().GetProperty("outcome").GetString());
        Assert.Equal(chunks, run.Json().GetProperty("chunks").GetInt32());
    }

    [Fact]
    public async Task Remove_Text_SaysHowManyChunksWent()
    {
        var (id, chunks) = await IndexOneLongDocumentAsync();

        var run = await Docpipe.RunAsync("manage", "--remove", id, "--data", Data);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{id}: removed ({chunks} chunks", run.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Indexes one document of several chunks; returns its id and how many chunks it has.</summary>
    private async Task<(string Id, int Chunks)> IndexOneLongDocumentAsync()
    {
        var built = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 1, bytes: 20_000), "--data", Data, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());
        var document = (await Docpipe.RunAsync("manage", "--list", "--data", Data, "--json")).Json().GetProperty("documents")[0];
        var chunks = document.GetProperty("chunks").GetInt32();
        Assert.True(chunks > 1, $"the document has {chunks} chunks");
        return (document.GetProperty("doc_id").GetString()!, chunks);
    }
}
