using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe manage --history</c> shows every recorded fingerprint of a source and what each run did.</summary>
public sealed class ManageHistoryTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task History_AddUpdateRemoveAddAgain_ByPathAndByDocumentId_NewestFirstWithWhatEachRunDid()
    {
        var data = _directory.File("data");
        var source = _directory.File("src");
        var file = _directory.Write("src/a.txt", "The first version.");
        _directory.Write("src/b.txt", "Another document that stays.");
        await BatchAsync(source, data);
        File.WriteAllText(file, "The second, longer version of the text.");
        await BatchAsync(source, data);
        File.Delete(file);
        await BatchAsync(source, data, "--cleanup", "scoped");
        File.WriteAllText(file, "Back again.");
        await BatchAsync(source, data);

        var byPath = await Docpipe.RunAsync("manage", "--history", file, "--data", data, "--json");

        Assert.True(byPath.ExitCode == 0, byPath.ToString());
        var json = byPath.Json();
        Assert.Equal(file, json.GetProperty("source").GetString());
        var history = json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["added", "removed", "updated", "added"], history.Select(h => h.GetProperty("change").GetString()));
        Assert.Equal([11L, 39L, 39L, 18L], history.Select(h => h.GetProperty("size").GetInt64()));
        Assert.Equal(history[1].GetProperty("content_hash").GetString(), history[2].GetProperty("content_hash").GetString());
        Assert.All(history, h => Assert.Equal(64, h.GetProperty("content_hash").GetString()!.Length));
        Assert.True(json.GetProperty("current").TryGetProperty("last_seen_at", out _));

        var documentId = json.GetProperty("document_id").GetString()!;
        var byId = await Docpipe.RunAsync("manage", "--history", documentId, "--data", data);
        Assert.True(byId.ExitCode == 0, byId.ToString());
        Assert.Contains(file, byId.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, byId.Stdout.Split('\n').Count(l => l.Contains(" bytes  modified ", StringComparison.Ordinal)));

        var unknown = await Docpipe.RunAsync("manage", "--history", "no-such-document", "--data", data, "--json");
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Contains("no-such-document", unknown.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static async Task BatchAsync(string source, string data, params string[] more)
    {
        var run = await Docpipe.RunAsync(["batch", "--src", source, "--data", data, "--embedder", "hash", .. more]);
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
