using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests.Consistency;

/// <summary><c>docpipe manage</c>'s consistency actions, run as a child process on a real data folder.</summary>
public sealed class ManageConsistencyTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Data => _directory.File("data");

    [Fact]
    public async Task VerifyConsistency_AfterBatch_PrintsConsistentJsonAndExitsZero()
    {
        await IngestAsync();

        var (exitCode, json) = await Docpipe.RunJsonAsync("manage", "--verify-consistency", "--data", Data);

        Assert.Equal(0, exitCode);
        Assert.True(json.GetProperty("consistent").GetBoolean());
        foreach (var name in (string[])["vector", "keyword"])
        {
            var index = json.GetProperty("indexes").GetProperty(name);
            Assert.Equal(0, index.GetProperty("missing").GetInt64());
            Assert.Equal(0, index.GetProperty("orphaned").GetInt64());
            Assert.Equal(0, index.GetProperty("stale").GetInt64());
            Assert.Equal(json.GetProperty("registry_chunks").GetInt64(), index.GetProperty("entries").GetInt64());
        }

        Assert.Equal(0, json.GetProperty("documents").GetArrayLength());
    }

    [Fact]
    public async Task RepairConsistency_KeywordSegmentsDeleted_VerifyFailsDryRunListsAutoFixRepairs()
    {
        await IngestAsync();
        foreach (var file in Directory.GetFiles(Path.Combine(Data, "keyword"), "_*"))
        {
            File.Delete(file);
        }

        var verify = await Docpipe.RunJsonAsync("manage", "--verify-consistency", "--data", Data);
        var dryRun = await Docpipe.RunAsync("manage", "--repair-consistency", "--data", Data);
        var repair = await Docpipe.RunJsonAsync("manage", "--repair-consistency", "--auto-fix", "--data", Data);
        var after = await Docpipe.RunAsync("manage", "--verify-consistency", "--data", Data);

        Assert.Equal(1, verify.ExitCode);
        Assert.False(verify.Json.GetProperty("consistent").GetBoolean());
        Assert.Contains("keyword", verify.Json.GetProperty("indexes").GetProperty("keyword").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, dryRun.ExitCode);
        Assert.Contains("keyword: rebuild from the registry", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(0, repair.ExitCode);
        Assert.True(repair.Json.GetProperty("indexes").GetProperty("keyword").GetProperty("rebuilt").GetBoolean());
        Assert.True(repair.Json.GetProperty("after").GetProperty("consistent").GetBoolean());
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("Consistent", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupAndRestore_IntoANewDataFolder_SearchFindsTheSameDocuments()
    {
        await IngestAsync();
        var search = await Docpipe.RunJsonAsync("search", "lighthouse lamp", "--mode", "keyword", "--data", Data);

        var backup = await Docpipe.RunJsonAsync("manage", "--backup", _directory.File("backups"), "--data", Data);
        var restored = _directory.File("restored");
        var restore = await Docpipe.RunJsonAsync("manage", "--restore", _directory.File("backups"), "--data", restored);
        var verify = await Docpipe.RunAsync("manage", "--verify-consistency", "--data", restored);
        var again = await Docpipe.RunJsonAsync("search", "lighthouse lamp", "--mode", "keyword", "--data", restored);

        Assert.Equal(0, backup.ExitCode);
        Assert.True(File.Exists(backup.Json.GetProperty("path").GetString()));
        Assert.Equal(0, restore.ExitCode);
        Assert.Equal(backup.Json.GetProperty("path").GetString(), restore.Json.GetProperty("source").GetString());
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal(search.Json.GetProperty("hits").ToString(), again.Json.GetProperty("hits").ToString());
    }

    [Fact]
    public async Task Restore_ArchiveWithAParentPath_RefusedWithExitCodeTwo()
    {
        await IngestAsync();
        var archive = _directory.File("evil.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var tar = new System.Formats.Tar.TarWriter(gzip))
        {
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "manifest.json")
            {
                DataStream = new MemoryStream("""{"format":"docpipeline-backup","version":1,"stores":["registry"],"files":[{"path":"registry.db","size":1,"sha256":"00"}]}"""u8.ToArray()),
            });
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "../registry.db") { DataStream = new MemoryStream([1]) });
        }

        var (exitCode, output, _) = await Docpipe.RunAsync("manage", "--restore", archive, "--data", Data, "--json");

        Assert.Equal(2, exitCode);
        Assert.Contains("refused", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("registry.db")));
        Assert.Equal(0, (await Docpipe.RunAsync("manage", "--verify-consistency", "--data", Data)).ExitCode);
    }

    [Fact]
    public async Task RebuildIndex_Both_RebuildsAndExitsZero()
    {
        await IngestAsync();

        var (exitCode, json) = await Docpipe.RunJsonAsync("manage", "--rebuild-index", "both", "--data", Data);

        Assert.Equal(0, exitCode);
        Assert.True(json.GetProperty("consistent").GetBoolean());
        Assert.True(json.GetProperty("indexes").GetProperty("vector").GetProperty("chunks").GetInt64() > 0);
        Assert.Equal(
            json.GetProperty("indexes").GetProperty("vector").GetProperty("chunks").GetInt64(),
            json.GetProperty("indexes").GetProperty("keyword").GetProperty("chunks").GetInt64());
    }

    [Theory]
    [InlineData("--auto-fix")]
    [InlineData("--verify-consistency", "--rebuild-index", "vector")]
    [InlineData("--backup", "x", "--restore", "y")]
    public async Task Manage_BadCombination_ExplainsAndFails(params string[] arguments)
    {
        var (exitCode, _, errors) = await Docpipe.RunAsync(["manage", .. arguments, "--data", Data]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("action", errors, StringComparison.Ordinal);
    }

    private async Task IngestAsync()
    {
        var docs = Docpipe.CopyCorpus(_directory.File("docs"));
        var (exitCode, output, errors) = await Docpipe.RunAsync("batch", "--src", docs, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(exitCode == 0, output + errors);
    }
}
