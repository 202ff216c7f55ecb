using System.Diagnostics;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary>
/// <c>docpipe manage --rebuild-index</c> killed mid-way (SIGKILL), and <c>--verify-consistency [--deep]</c> on stores
/// damaged on disk: real processes on a real data folder.
/// </summary>
public sealed class RebuildKillAndVerifyTests : IDisposable
{
    private const int Documents = 400;
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task RebuildIndex_KilledMidway_TheOldIndexesKeepServingAndItsLeftoversGo()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), Documents);
        var batch = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(batch.ExitCode == 0, batch.ToString());
        var before = (await Docpipe.RunAsync("manage", "--stats", "--data", Data, "--json")).Json();
        var chunks = before.GetProperty("chunks").GetInt64();
        var search = await Docpipe.RunAsync("search", "lantern orchard", "--mode", "hybrid", "--data", Data, "--json");

        await KillMidRebuildAsync("manage", "--rebuild-index", "both", "--data", Data);

        var stats = await Docpipe.RunAsync("manage", "--stats", "--data", Data, "--json");
        var verify = await Docpipe.RunAsync("manage", "--verify-consistency", "--deep", "--data", Data, "--json");
        var again = await Docpipe.RunAsync("search", "lantern orchard", "--mode", "hybrid", "--data", Data, "--json");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Equal(chunks, stats.Json().GetProperty("vector_chunks").GetInt64());
        Assert.Equal(chunks, stats.Json().GetProperty("keyword_chunks").GetInt64());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(verify.Json().GetProperty("consistent").GetBoolean());
        Assert.Equal(search.Json().GetProperty("hits").ToString(), again.Json().GetProperty("hits").ToString());

        // Those commands only read (they open the folder read-only, beside any writer); the next process that writes
        // the folder deals with the rebuild's leftovers.
        var resume = await Docpipe.RunAsync("batch", "--resume-jobs", "--data", Data, "--json");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Empty(Directory.EnumerateDirectories(Data, "*.rebuild-*"));
        (await DataFolderContents.ReadAsync(Data)).AssertConsistent();
    }

    [Fact]
    public async Task VerifyConsistency_RandomBytesInTheVectorFile_NamesTheVectorStoreAndExitsThree()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 20);
        Assert.Equal(0, (await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash")).ExitCode);
        var vectors = Path.Combine(Data, "vectors", "vectors.bin");
        var garbage = new byte[32 * 1024];
        new Random(3).NextBytes(garbage);
        using (var stream = new FileStream(vectors, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 4096;
            stream.Write(garbage);
        }

        var json = await Docpipe.RunAsync("manage", "--verify-consistency", "--deep", "--data", Data, "--json");
        var text = await Docpipe.RunAsync("manage", "--verify-consistency", "--data", Data);

        Assert.True(json.ExitCode == 3, json.ToString());
        Assert.False(json.Json().GetProperty("consistent").GetBoolean());
        Assert.True(json.Json().GetProperty("deep").GetBoolean());
        var vector = json.Json().GetProperty("stores").GetProperty("vector");
        Assert.False(vector.GetProperty("intact").GetBoolean());
        Assert.Contains(vectors, vector.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(json.Json().GetProperty("stores").GetProperty("registry").GetProperty("intact").GetBoolean());
        Assert.True(text.ExitCode == 3, text.ToString());
        Assert.Contains("vector store: DAMAGED", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Damaged: vector.", text.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts docpipe and kills it (SIGKILL) once the rebuild has started writing: a new index beside the live one,
    /// or (as before rebuilds were staged) the live vector file replaced.
    /// </summary>
    private async Task KillMidRebuildAsync(params string[] arguments)
    {
        var liveVectors = Path.Combine(Data, "vectors", "vectors.bin");
        var liveWritten = File.GetLastWriteTimeUtc(liveVectors);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = Docpipe.Start(arguments) };
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var timeout = Stopwatch.StartNew();
            while (true)
            {
                var staged = Directory.EnumerateFiles(Data, "vectors.bin", SearchOption.AllDirectories).Any(f => f.Contains(".rebuild-", StringComparison.Ordinal));
                var replaced = !File.Exists(liveVectors) || File.GetLastWriteTimeUtc(liveVectors) != liveWritten;
                Assert.False(process.HasExited, $"docpipe finished the rebuild before it could be killed; give it more documents.\n{string.Join('\n', output)}");
                if (staged || replaced)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    return;
                }

                Assert.True(timeout.Elapsed < TimeSpan.FromMinutes(2), $"The rebuild wrote nothing within two minutes.\n{string.Join('\n', output)}");
                await Task.Delay(5);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
