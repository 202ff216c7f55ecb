using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe monitor</c> in its own process beside a real batch process: what it sees, and its health exit codes.</summary>
public sealed class MonitorCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    // Heartbeats every 200 ms, gone after 2 s without one: the tests wait on conditions, the short times only make them quick.
    private static readonly string[] FastHeartbeats = ["--set", "monitoring.heartbeat_interval=00:00:00.200", "--set", "monitoring.worker_expiry=00:00:02"];

    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Monitor_BesideARunningBatch_SeesThroughputRiseAndCountsReachTheBatchTotals()
    {
        const int documents = 200;
        var source = GeneratedCorpus.Write(_directory.File("src"), documents);
        var data = _directory.File("data");
        using var batch = Process.Start(Docpipe.Start([.. new[] { "batch", "--src", source, "--data", data, "--embedder", "hash", "--max-concurrent", "2", "--json" }, .. FastHeartbeats]))!;
        var batchOutput = batch.StandardOutput.ReadToEndAsync();
        var batchErrors = batch.StandardError.ReadToEndAsync();
        await WaitForFileAsync(Path.Combine(data, "jobs.db"));
        using var monitor = new MonitorProcess([.. new[] { "monitor", "--data", data, "--json", "--interval", "0.2" }, .. FastHeartbeats]);

        var sawThroughput = await monitor.WaitForAsync(s => s.Throughput(1) > 0 && s.Workers().Any(w => w.State == "alive"), "an alive worker and throughput above 0");
        await batch.WaitForExitAsync().WaitAsync(Patience);
        var result = JsonDocument.Parse(await batchOutput).RootElement;
        Assert.True(batch.ExitCode == 0, $"{await batchOutput}\n{await batchErrors}");
        var final = await monitor.WaitForAsync(
            s => s.Completed == documents && s.Workers().Any(w => w.State == "stopped" && w.JobsCompleted == documents),
            $"{documents} completed jobs and a stopped worker that completed them");

        Assert.Equal(documents, result.GetProperty("added").GetInt32());
        Assert.True(sawThroughput.Completed < documents, $"The monitor first saw throughput only after the batch ended ({sawThroughput.Completed} completed).");
        Assert.Equal((0L, 0L, 0L), (final.Pending, final.Processing, final.Failed));
        Assert.Equal(result.GetProperty("chunks_embedded").GetInt64(), final.Workers().Single(w => w.State == "stopped").ChunksEmbedded);
        var embedding = result.GetProperty("embedding");
        Assert.True(embedding.GetProperty("calls").GetInt64() > 0, "The batch reported no embedding calls.");
        Assert.Equal(
            (embedding.GetProperty("calls").GetInt64(), embedding.GetProperty("texts").GetInt64()),
            (final.Json.GetProperty("embedding").GetProperty("calls").GetInt64(), final.Json.GetProperty("embedding").GetProperty("texts").GetInt64()));
    }

    [Fact]
    public async Task Monitor_WorkerKilled_ShownAsGoneAfterItsHeartbeatExpires()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 400);
        var data = _directory.File("data");
        using var batch = Process.Start(Docpipe.Start([.. new[] { "batch", "--src", source, "--data", data, "--embedder", "hash", "--max-concurrent", "1" }, .. FastHeartbeats]))!;
        _ = batch.StandardOutput.ReadToEndAsync();
        _ = batch.StandardError.ReadToEndAsync();
        try
        {
            await WaitForFileAsync(Path.Combine(data, "jobs.db"));
            using var monitor = new MonitorProcess([.. new[] { "monitor", "--data", data, "--json", "--interval", "0.2" }, .. FastHeartbeats]);
            var alive = await monitor.WaitForAsync(s => s.Workers().Any(w => w.State == "alive" && w.ProcessId == batch.Id), "the batch's worker alive");
            Assert.False(batch.HasExited, "The batch finished before it could be killed; give it more documents.");

            batch.Kill(entireProcessTree: true);
            await batch.WaitForExitAsync();
            var gone = await monitor.WaitForAsync(s => s.Workers().Any(w => w.State == "gone" && w.ProcessId == batch.Id), "the killed worker gone");

            Assert.True(alive.Completed < 400);
            Assert.DoesNotContain(gone.Workers(), w => w.ProcessId == batch.Id && w.State != "gone");
        }
        finally
        {
            if (!batch.HasExited)
            {
                batch.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task HealthCheck_HealthyFolder_ExitsZero()
    {
        var data = _directory.File("data");
        var batch = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 3), "--data", data, "--embedder", "hash");
        Assert.True(batch.ExitCode == 0, batch.ToString());

        var health = await Docpipe.RunAsync("monitor", "--health-check", "--data", data, "--json");

        Assert.True(health.ExitCode == 0, health.ToString());
        Assert.Equal("healthy", health.Json().GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthCheck_PermanentlyFailedJob_ExitsOneNamingIt()
    {
        var data = _directory.File("data");
        var source = GeneratedCorpus.Write(_directory.File("src"), 3);
        File.WriteAllText(Path.Combine(source, "broken.pdf"), "this is not a PDF");
        var batch = await Docpipe.RunAsync("batch", "--src", source, "--data", data, "--embedder", "hash");
        Assert.True(batch.ExitCode == 1, batch.ToString());

        var health = await Docpipe.RunAsync("monitor", "--health-check", "--data", data, "--json");

        Assert.True(health.ExitCode == 1, health.ToString());
        var json = health.Json();
        Assert.Equal("degraded", json.GetProperty("status").GetString());
        Assert.Contains(json.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("check").GetString() == "failed_jobs");
    }

    [Fact]
    public async Task HealthCheck_CorruptStore_ExitsTwoNamingIt()
    {
        var data = _directory.File("data");
        var batch = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 3), "--data", data, "--embedder", "hash");
        Assert.True(batch.ExitCode == 0, batch.ToString());
        using (var registry = File.OpenWrite(Path.Combine(data, "registry.db")))
        {
            registry.Write(new byte[4096].Select((_, i) => (byte)(i * 31)).ToArray());
        }

        var health = await Docpipe.RunAsync("monitor", "--health-check", "--data", data, "--json");

        Assert.True(health.ExitCode == 2, health.ToString());
        var json = health.Json();
        Assert.Equal("unhealthy", json.GetProperty("status").GetString());
        Assert.Contains(json.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("check").GetString() == "stores" && r.GetProperty("message").GetString()!.Contains("registry.db", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();

    private static async Task WaitForFileAsync(string path)
    {
        var waited = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            Assert.True(waited.Elapsed < Patience, $"{path} did not appear within {Patience}.");
            await Task.Delay(50);
        }
    }

    /// <summary>One <c>docpipe monitor --json</c> process printing a snapshot per line, read as it comes.</summary>
    private sealed class MonitorProcess : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];
        private readonly ConcurrentQueue<string> _errors = new();

        public MonitorProcess(string[] arguments)
        {
            _process = new Process { StartInfo = Docpipe.Start(arguments) };
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    _lines.CompleteAdding();
                }
                else
                {
                    _lines.Add(e.Data);
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    _errors.Enqueue(e.Data);
                }
            };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>Reads snapshots until one satisfies <paramref name="condition"/>; fails after two minutes or when the monitor exits.</summary>
        public async Task<Snapshot> WaitForAsync(Func<Snapshot, bool> condition, string what)
        {
            var waited = Stopwatch.StartNew();
            string? last = null;
            while (waited.Elapsed < Patience)
            {
                if (!_lines.TryTake(out var line, 100))
                {
                    Assert.False(_lines.IsCompleted, $"The monitor exited before it saw {what}. Last snapshot: {last}\n{string.Join('\n', _errors)}");
                    await Task.Yield();
                    continue;
                }

                last = line;
                var snapshot = new Snapshot(JsonDocument.Parse(line).RootElement.Clone());
                if (condition(snapshot))
                {
                    return snapshot;
                }
            }

            throw new Xunit.Sdk.XunitException($"The monitor did not see {what} within {Patience}. Last snapshot: {last}\n{string.Join('\n', _errors)}");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
            _lines.Dispose();
        }
    }

    /// <summary>One line of <c>docpipe monitor --json</c>.</summary>
    private sealed record Snapshot(JsonElement Json)
    {
        public long Pending => Jobs("pending");

        public long Processing => Jobs("processing");

        public long Completed => Jobs("completed");

        public long Failed => Jobs("failed");

        public double Throughput(int minutes) =>
            Json.GetProperty("throughput").EnumerateArray().Single(t => t.GetProperty("window_minutes").GetInt32() == minutes).GetProperty("documents_per_second").GetDouble();

        public IEnumerable<Worker> Workers() => Json.GetProperty("workers").EnumerateArray().Select(w => new Worker(
            w.GetProperty("state").GetString()!,
            w.GetProperty("heartbeat").GetProperty("process_id").GetInt32(),
            w.GetProperty("heartbeat").GetProperty("jobs_completed").GetInt64(),
            w.GetProperty("heartbeat").GetProperty("chunks_embedded").GetInt64()));

        private long Jobs(string state) => Json.GetProperty("jobs").GetProperty(state).GetInt64();
    }

    private sealed record Worker(string State, int ProcessId, long JobsCompleted, long ChunksEmbedded);
}
