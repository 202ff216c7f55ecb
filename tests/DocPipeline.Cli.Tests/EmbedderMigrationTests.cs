using System.Diagnostics;
using System.Text.Json;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Tests;

/// <summary>
/// <c>docpipe manage --migrate-embedder</c> from the hash embedder to MiniLM on the sample corpus (plus generated
/// documents, so that the build lasts long enough to be killed), while a loop of search processes runs beside it.
/// </summary>
public sealed class EmbedderMigrationTests : IDisposable
{
    /// <summary>Hash vectors rank another document first for this paraphrase; MiniLM ranks the honeybee document first.</summary>
    private const string Query = "insects that turn flower nectar into a sweet food";

    private const string Honeybee = "honeybee-colonies.md";

    // About 8 chunks each: with the corpus's 85, a MiniLM build of about 200 chunks that saves its cursor every 4.
    private const int GeneratedDocuments = 16;

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    private readonly TestDirectory _directory = new();
    private int _searchCount;

    private string Data => _directory.File("data");

    [Fact]
    public async Task MigrateEmbedder_KilledResumedThenRolledBack_SearchesNeverFailAndSwitchAnswersAtTheSwitch()
    {
        var source = _directory.File("src");
        GeneratedCorpus.Write(source, GeneratedDocuments);
        foreach (var file in Directory.GetFiles(RepositoryPaths.CorpusDirectory))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        var built = await Docpipe.RunAsync("batch", "--src", source, "--data", Data, "--embedder", "hash", "--json");
        Assert.True(built.ExitCode == 0, built.ToString());
        var hashAnswer = await TopSourceAsync();
        Assert.NotEqual(Honeybee, hashAnswer);
        await AssertConsistentAsync("after the hash build");

        // Searches run one after another in their own processes from before the migration until after it.
        using var stopSearching = new CancellationTokenSource();
        var searches = SearchLoopAsync(stopSearching.Token);

        var killedAt = await KillMidMigrationAsync();
        Assert.Equal("building", killedAt.GetProperty("state").GetString());
        Assert.True(killedAt.GetProperty("chunks_done").GetInt64() < killedAt.GetProperty("chunks_total").GetInt64(), killedAt.ToString());
        await AssertConsistentAsync("after the kill");
        Assert.Equal(hashAnswer, await TopSourceAsync());

        var resumed = await Docpipe.RunAsync("manage", "--migrate-embedder", "minilm", "--data", Data, "--set", "embedding.batch_size=4", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var switched = resumed.Json();
        Assert.Equal("switched", switched.GetProperty("state").GetString());
        Assert.Equal(switched.GetProperty("chunks_total").GetInt64(), switched.GetProperty("chunks_done").GetInt64());
        Assert.Contains("MiniLM", switched.GetProperty("serving_embedder").GetString(), StringComparison.Ordinal);

        // A few searches after the switch, then the loop stops.
        var after = Volatile.Read(ref _searchCount);
        await WaitForAsync(() => Volatile.Read(ref _searchCount) >= after + 2, "two searches after the switch");
        await stopSearching.CancelAsync();
        var answers = await searches;

        Assert.All(answers, a => Assert.True(a.ExitCode == 0, a.Output));
        var tops = answers.Select(a => a.Top).ToList();
        Assert.All(tops, top => Assert.Contains(top, new[] { hashAnswer, Honeybee }));
        var firstSemantic = tops.IndexOf(Honeybee);
        Assert.True(firstSemantic > 0, $"The searches before the switch must give the hash answer: {string.Join(", ", tops)}");
        Assert.All(tops.Skip(firstSemantic), top => Assert.Equal(Honeybee, top));
        Assert.Equal(Honeybee, await TopSourceAsync());
        await AssertConsistentAsync("after the switch");

        var status = await Docpipe.RunAsync("manage", "--migration-status", "--data", Data, "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(status.Json().GetProperty("other_generation_kept").GetBoolean(), status.ToString());

        var rollback = await Docpipe.RunAsync("manage", "--migration-rollback", "--data", Data, "--json");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal("rolled_back", rollback.Json().GetProperty("state").GetString());
        Assert.Equal(hashAnswer, await TopSourceAsync());
        await AssertConsistentAsync("after the rollback");

        var cleanup = await Docpipe.RunAsync("manage", "--migration-cleanup", "--data", Data, "--json");
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.False(cleanup.Json().GetProperty("other_generation_kept").GetBoolean(), cleanup.ToString());
        Assert.Equal(hashAnswer, await TopSourceAsync());
        await AssertConsistentAsync("after the cleanup");
    }

    public void Dispose() => _directory.Dispose();

    private async Task<string?> TopSourceAsync()
    {
        var run = await Docpipe.RunAsync("search", Query, "--data", Data, "--mode", "vector", "--top", "1", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return Path.GetFileName(run.Json().GetProperty("hits")[0].GetProperty("source").GetString());
    }

    private async Task AssertConsistentAsync(string when)
    {
        var verify = await Docpipe.RunAsync("manage", "--verify-consistency", "--data", Data, "--json");
        Assert.True(verify.ExitCode == 0 && verify.Json().GetProperty("consistent").GetBoolean(), $"Not consistent {when}: {verify}");
    }

    private async Task<List<(int ExitCode, string? Top, string Output)>> SearchLoopAsync(CancellationToken stop)
    {
        var answers = new List<(int, string?, string)>();
        var bound = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && bound.Elapsed < Bound * 2)
        {
            var run = await Docpipe.RunAsync("search", Query, "--data", Data, "--mode", "vector", "--top", "1", "--json");
            string? top = null;
            if (run.ExitCode == 0)
            {
                top = Path.GetFileName(run.Json().GetProperty("hits")[0].GetProperty("source").GetString());
            }

            answers.Add((run.ExitCode, top, run.ToString()));
            Interlocked.Increment(ref _searchCount);
        }

        return answers;
    }

    /// <summary>Starts the migration, watches its record until some chunks are done, and kills it (SIGKILL); returns the record then.</summary>
    private async Task<JsonElement> KillMidMigrationAsync()
    {
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = Docpipe.Start("manage", "--migrate-embedder", "minilm", "--data", Data, "--set", "embedding.batch_size=4") };
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue("(stderr) " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var services = new ServiceCollection();
            services.AddDocPipeline(o =>
            {
                o.DataDirectory = Data;
                o.ReadOnly = true;
            });
            await using var provider = services.BuildServiceProvider();
            var settings = provider.GetRequiredService<ISettingsStore>();
            var timeout = Stopwatch.StartNew();
            while (true)
            {
                var json = await settings.GetSettingAsync(RegistrySettings.EmbedderMigration);
                if (json is not null)
                {
                    using var record = JsonDocument.Parse(json);
                    var done = record.RootElement.GetProperty("chunks_done").GetInt64();
                    if (done >= 8)
                    {
                        Assert.False(process.HasExited, $"The migration finished before it could be killed; give it more documents.\n{string.Join('\n', output)}");
                        process.Kill(entireProcessTree: true);
                        await process.WaitForExitAsync();
                        var after = await settings.GetSettingAsync(RegistrySettings.EmbedderMigration);
                        using var last = JsonDocument.Parse(after!);
                        return last.RootElement.Clone();
                    }
                }

                Assert.False(process.HasExited, $"The migration exited before it had done 8 chunks.\n{string.Join('\n', output)}");
                Assert.True(timeout.Elapsed < Bound, $"The migration did not get 8 chunks done within {Bound}.\n{string.Join('\n', output)}");
                await Task.Delay(20);
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

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var timeout = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(timeout.Elapsed < Bound, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
