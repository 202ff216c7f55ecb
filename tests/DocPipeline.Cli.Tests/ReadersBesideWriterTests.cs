using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary>
/// Other processes read a data folder while a batch writes it: <c>search</c>, <c>manage --list/--stats</c>,
/// <c>batch --status</c> and <c>manage --verify-consistency</c> open it read-only, beside the writer's locks.
/// </summary>
public sealed class ReadersBesideWriterTests : IDisposable
{
    private const int Documents = 2000;
    private const int MaxReadRounds = 40;
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task SearchAndList_InAnotherProcessWhileABatchWrites_NoReaderErrorsCountsOnlyGrowFinalStateConsistent()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), Documents, bytes: 300);
        var data = _directory.File("data");

        // Two slots: the batch runs long enough for readers to overlap it on any machine.
        var batch = Docpipe.RunAsync("batch", "--src", source, "--data", data, "--embedder", "hash", "--max-concurrent", "2", "--json");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            // The readers need the folder the batch creates (its registry records the embedder they then use).
            while (!File.Exists(Path.Combine(data, "registry.db")) && !batch.IsCompleted)
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        long documents = 0;
        long completed = 0;
        var roundsDuringBatch = 0;
        for (var round = 0; round < MaxReadRounds && !batch.IsCompleted; round++)
        {
            var stats = await Docpipe.RunAsync("manage", "--stats", "--data", data, "--json");
            Assert.True(stats.ExitCode == 0, $"manage --stats beside the batch: {stats}");
            var now = stats.Json().GetProperty("documents").GetInt64();
            Assert.True(now >= documents, $"The document count went back from {documents} to {now}.\n{stats}");
            documents = now;

            var search = await Docpipe.RunAsync("search", "lantern harbour", "--data", data, "--json", "--top", "5");
            Assert.True(search.ExitCode == 0, $"search beside the batch: {search}");
            foreach (var hit in search.Json().GetProperty("hits").EnumerateArray())
            {
                Assert.False(string.IsNullOrEmpty(hit.GetProperty("text").GetString()), $"A hit without its chunk's text.\n{search}");
            }

            var list = await Docpipe.RunAsync("manage", "--list", "--limit", "5", "--data", data, "--json");
            Assert.True(list.ExitCode == 0, $"manage --list beside the batch: {list}");

            var status = await Docpipe.RunAsync("batch", "--status", "--data", data, "--json");
            Assert.True(status.ExitCode == 0, $"batch --status beside the batch: {status}");
            var done = status.Json().GetProperty("completed").GetInt64();
            Assert.True(done >= completed, $"The completed job count went back from {completed} to {done}.\n{status}");
            completed = done;

            if (!batch.IsCompleted)
            {
                roundsDuringBatch++;
            }
        }

        var written = await batch;
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Equal(Documents, written.Json().GetProperty("added").GetInt32());
        Assert.True(roundsDuringBatch > 0, "No read finished while the batch was still writing; the test proved nothing.");

        var verify = await Docpipe.RunAsync("manage", "--verify-consistency", "--data", data, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var final = await Docpipe.RunAsync("manage", "--stats", "--data", data, "--json");
        Assert.Equal(Documents, final.Json().GetProperty("documents").GetInt64());
        (await DataFolderContents.ReadAsync(data)).AssertConsistent();
    }

    [Fact]
    public async Task TwoBatches_OverOverlappingFoldersAtOnce_EveryDocumentOnceBothExitZeroConsistent()
    {
        // Shared documents are in both runs' sources; each run also has its own.
        var shared = GeneratedCorpus.Write(_directory.File("shared"), 300, bytes: 600, seed: 1);
        var onlyFirst = GeneratedCorpus.Write(_directory.File("first"), 100, bytes: 600, seed: 2);
        var onlySecond = GeneratedCorpus.Write(_directory.File("second"), 100, bytes: 600, seed: 3);
        var data = _directory.File("data");

        var first = Docpipe.RunAsync("batch", "--src", shared, "--src", onlyFirst, "--data", data, "--embedder", "hash", "--json");
        var second = Docpipe.RunAsync("batch", "--src", onlySecond, "--src", shared, "--data", data, "--embedder", "hash", "--json");
        var results = await Task.WhenAll(first, second);

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            var json = result.Json();
            Assert.Equal(0, json.GetProperty("failed").GetInt32());
            Assert.Equal(400, json.GetProperty("total").GetInt32());
        }

        // Every document once: the shared ones added by whichever ran first and skipped (unchanged) by the other,
        // never superseded, never failed.
        var added = results.Sum(r => r.Json().GetProperty("added").GetInt32());
        var skipped = results.Sum(r => r.Json().GetProperty("skipped").GetInt32());
        var superseded = results.Sum(r => r.Json().GetProperty("superseded").GetInt32());
        Assert.True(added == 500, $"{added} documents added in all, not 500.\n{results[0]}\n{results[1]}");
        Assert.Equal(300, skipped + superseded);
        var contents = await DataFolderContents.ReadAsync(data);
        Assert.Equal(500, contents.Documents.Count);
        Assert.Equal(0, contents.Jobs.Failed);
        Assert.Equal(0, contents.Jobs.Pending);
        contents.AssertConsistent();
        var verify = await Docpipe.RunAsync("manage", "--verify-consistency", "--data", data, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("rebuild")]
    public async Task WritingCommand_OnAFolderAnotherProcessWrites_WaitsNamingTheWriterThenRuns(string command)
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 20, bytes: 600);
        var data = _directory.File("data");
        Directory.CreateDirectory(data);
        if (command == "rebuild")
        {
            var first = await Docpipe.RunAsync("batch", "--src", source, "--data", data, "--embedder", "hash", "--json");
            Assert.True(first.ExitCode == 0, first.ToString());
        }

        // This test process plays the writer: it holds the lock and says who it is, as a writing docpipe does.
        using var writerLock = new FileStream(Path.Combine(data, "writer.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        File.WriteAllText(
            Path.Combine(data, "writer.json"),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["process_id"] = Environment.ProcessId, ["host"] = Environment.MachineName, ["since"] = "2026-01-02T03:04:05Z", ["command"] = "test writer",
            }));
        var start = command == "batch"
            ? Docpipe.Start("batch", "--src", source, "--data", data, "--embedder", "hash", "--json")
            : Docpipe.Start("manage", "--rebuild-index", "vector", "--data", data, "--embedder", "hash", "--json");
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stderr = Task.Run(async () =>
            {
                var lines = new System.Text.StringBuilder();
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    lines.AppendLine(line);
                    if (line.Contains("Waiting for the data folder", StringComparison.Ordinal))
                    {
                        waiting.TrySetResult(line);
                    }
                }

                waiting.TrySetResult(string.Empty);
                return lines.ToString();
            });

            var message = await waiting.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.False(process.HasExited, $"The {command} did not wait for the writer: {(process.HasExited ? await stderr : string.Empty)}");
            Assert.Contains($"process {Environment.ProcessId} on host {Environment.MachineName}, writing since 2026-01-02 03:04:05Z (test writer)", message, StringComparison.Ordinal);
            writerLock.Dispose();

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var result = new DocpipeResult(process.ExitCode, await stdout, await stderr);
            Assert.True(result.ExitCode == 0, result.ToString());
            if (command == "batch")
            {
                Assert.Equal(20, result.Json().GetProperty("added").GetInt32());
            }
            else
            {
                Assert.True(result.Json().GetProperty("consistent").GetBoolean(), result.ToString());
            }

            Assert.False(File.Exists(Path.Combine(data, "writer.json")), $"The {command} left its owner file behind.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose() => _directory.Dispose();
}
