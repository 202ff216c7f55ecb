using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests.Consistency;

/// <summary>
/// A lost or corrupt store beside stores that hold data is refused with the way back, never re-created empty; and
/// <c>manage --rebuild-registry</c> brings a lost registry back from the indexes. Run as child processes on real data folders.
/// </summary>
public sealed class LostStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Data => _directory.File("data");

    [Fact]
    public async Task BatchAndSearch_RegistryDeleted_RefuseWithExitThreeAndTheWayBack()
    {
        var docs = await IngestAsync();
        DeleteRegistry();

        var batch = await Docpipe.RunAsync("batch", "--src", docs, "--data", Data, "--embedder", "hash");
        var search = await Docpipe.RunAsync("search", "honeybee", "--data", Data);

        foreach (var (exitCode, _, errors) in new[] { batch, search })
        {
            Assert.Equal(3, exitCode);
            Assert.Contains("registry", errors, StringComparison.Ordinal);
            Assert.Contains("--restore", errors, StringComparison.Ordinal);
            Assert.Contains("--rebuild-registry", errors, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(Data, "registry.db")));
    }

    [Fact]
    public async Task Search_RegistryHeaderCorrupt_RefusedWithoutStartEmptyAdvice()
    {
        await IngestAsync();
        using (var file = File.OpenWrite(Path.Combine(Data, "registry.db")))
        {
            file.Write(new byte[100]);
        }

        var (exitCode, _, errors) = await Docpipe.RunAsync("search", "honeybee", "--data", Data);

        Assert.Equal(3, exitCode);
        Assert.DoesNotContain("start empty", errors, StringComparison.Ordinal);
        Assert.Contains("--rebuild-registry", errors, StringComparison.Ordinal);
        Assert.Contains("--restore", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebuildRegistry_RegistryDeleted_RecoversDocumentsChunksAndEmbeddings()
    {
        var docs = await IngestAsync();
        var before = await Docpipe.RunJsonAsync("manage", "--verify-consistency", "--data", Data);
        DeleteRegistry();

        var rebuild = await Docpipe.RunJsonAsync("manage", "--rebuild-registry", "--data", Data, "--embedder", "hash");
        var search = await Docpipe.RunJsonAsync("search", "honeybee colony queen", "--data", Data);
        var verify = await Docpipe.RunJsonAsync("manage", "--verify-consistency", "--data", Data);
        var batch = await Docpipe.RunJsonAsync("batch", "--src", docs, "--data", Data);

        var chunks = before.Json.GetProperty("registry_chunks").GetInt64();
        Assert.Equal(0, rebuild.ExitCode);
        Assert.Equal(15, rebuild.Json.GetProperty("documents").GetInt64());
        Assert.Equal(chunks, rebuild.Json.GetProperty("chunks").GetInt64());
        Assert.Equal(chunks, rebuild.Json.GetProperty("embeddings").GetInt64());
        Assert.Equal(0, rebuild.Json.GetProperty("not_recovered_count").GetInt64());
        Assert.StartsWith("docpipeline-hashing", rebuild.Json.GetProperty("embedder").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, search.ExitCode);
        Assert.EndsWith("honeybee-colonies.md", search.Json.GetProperty("hits")[0].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal(chunks, verify.Json.GetProperty("registry_chunks").GetInt64());
        Assert.Equal(0, batch.ExitCode);
        Assert.Equal(0, batch.Json.GetProperty("added").GetInt64());
        Assert.Equal(0, batch.Json.GetProperty("chunks_embedded").GetInt64());
    }

    [Fact]
    public async Task RebuildRegistry_CorruptRegistryAndAChangedSource_MovesItAsideAndReportsTheChangedDocument()
    {
        var docs = await IngestAsync();
        using (var file = File.OpenWrite(Path.Combine(Data, "registry.db")))
        {
            file.Write(new byte[100]);
        }

        File.AppendAllText(Path.Combine(docs, "honeybee-colonies.md"), "\n\nA new closing paragraph about swarming in late spring.\n");

        var rebuild = await Docpipe.RunJsonAsync("manage", "--rebuild-registry", "--data", Data, "--embedder", "hash");
        var batch = await Docpipe.RunJsonAsync("batch", "--src", docs, "--data", Data);
        var repair = await Docpipe.RunJsonAsync("manage", "--repair-consistency", "--auto-fix", "--data", Data);

        Assert.Equal(1, rebuild.ExitCode);
        Assert.Equal(14, rebuild.Json.GetProperty("documents").GetInt64());
        Assert.Equal(1, rebuild.Json.GetProperty("not_recovered_count").GetInt64());
        Assert.Contains("changed", rebuild.Json.GetProperty("not_recovered")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(rebuild.Json.GetProperty("moved_aside").GetString()));
        Assert.Equal(0, batch.ExitCode);
        Assert.Equal(1, batch.Json.GetProperty("added").GetInt64());
        Assert.InRange(batch.Json.GetProperty("chunks_embedded").GetInt64(), 1, 2);
        Assert.Equal(0, repair.ExitCode);
        Assert.True(repair.Json.GetProperty("after").GetProperty("consistent").GetBoolean());
    }

    [Fact]
    public async Task RepairAutoFix_RegistryDeleted_RefusesAndDeletesNoEntry()
    {
        await IngestAsync();
        DeleteRegistry();

        var (exitCode, _, errors) = await Docpipe.RunAsync("manage", "--repair-consistency", "--auto-fix", "--data", Data);
        var rebuild = await Docpipe.RunJsonAsync("manage", "--rebuild-registry", "--data", Data, "--embedder", "hash");

        Assert.Equal(3, exitCode);
        Assert.Contains("--rebuild-registry", errors, StringComparison.Ordinal);
        Assert.Equal(0, rebuild.ExitCode);
        Assert.Equal(15, rebuild.Json.GetProperty("documents").GetInt64());
    }

    [Fact]
    public async Task RepairAutoFix_KeywordIndexOfAnotherDataFolder_RefusedUntilAllowDeleteAll()
    {
        var corpus = Docpipe.CopyCorpus(_directory.File("corpus"));
        var files = Directory.GetFiles(corpus).Order(StringComparer.Ordinal).ToList();
        var other = _directory.File("other");
        foreach (var (half, data) in new[] { (files.Take(7), Data), (files.Skip(7), other) })
        {
            var folder = Directory.CreateDirectory(data + "-docs").FullName;
            foreach (var file in half)
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            Assert.Equal(0, (await Docpipe.RunAsync("batch", "--src", folder, "--data", data, "--embedder", "hash")).ExitCode);
        }

        Directory.Delete(Path.Combine(Data, "keyword"), recursive: true);
        Directory.Move(Path.Combine(other, "keyword"), Path.Combine(Data, "keyword"));

        var refused = await Docpipe.RunAsync("manage", "--repair-consistency", "--auto-fix", "--data", Data);
        var allowed = await Docpipe.RunJsonAsync("manage", "--repair-consistency", "--auto-fix", "--allow-delete-all", "--data", Data);

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("keyword index", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("--allow-delete-all", refused.Errors, StringComparison.Ordinal);
        Assert.Equal(0, allowed.ExitCode);
        Assert.True(allowed.Json.GetProperty("after").GetProperty("consistent").GetBoolean());
    }

    [Theory]
    [InlineData("keyword", "keyword")]
    [InlineData("vectors", "vector")]
    public async Task Search_IndexFolderDeleted_RefusedThenRebuildIndexFixesIt(string folder, string index)
    {
        await IngestAsync();
        Directory.Delete(Path.Combine(Data, folder), recursive: true);

        var refused = await Docpipe.RunAsync("search", "lighthouse lamp", "--mode", index, "--data", Data);
        var hybrid = await Docpipe.RunAsync("search", "lighthouse lamp", "--data", Data);
        var rebuild = await Docpipe.RunJsonAsync("manage", "--rebuild-index", index, "--data", Data);
        var search = await Docpipe.RunJsonAsync("search", "lighthouse lamp", "--mode", index, "--data", Data);

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"{index} index", refused.Errors, StringComparison.Ordinal);
        Assert.Contains($"--rebuild-index {index}", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("--restore", refused.Errors, StringComparison.Ordinal);
        Assert.Equal(3, hybrid.ExitCode);
        Assert.Equal(0, rebuild.ExitCode);
        Assert.True(rebuild.Json.GetProperty("consistent").GetBoolean());
        Assert.Equal(0, search.ExitCode);
        Assert.EndsWith("lighthouse-keeping.txt", search.Json.GetProperty("hits")[0].GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    private void DeleteRegistry()
    {
        foreach (var file in Directory.GetFiles(Data, "registry.db*"))
        {
            File.Delete(file);
        }
    }

    private async Task<string> IngestAsync()
    {
        var docs = Docpipe.CopyCorpus(_directory.File("docs"));
        var (exitCode, output, errors) = await Docpipe.RunAsync("batch", "--src", docs, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(exitCode == 0, output + errors);
        return docs;
    }
}
