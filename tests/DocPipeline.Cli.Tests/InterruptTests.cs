using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Tests;

/// <summary>Ctrl-C (SIGINT) during <c>docpipe batch</c>: running jobs are given back, the tool says so and exits 130.</summary>
public sealed partial class InterruptTests : IDisposable
{
    // Enough that the batch is still running when the SIGINT lands: 300 documents took under a second once ingestion
    // got faster, and a batch that had finished made 'kill -INT' fail.
    private const int Documents = 1500;
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Batch_Sigint_GivesRunningJobsBackSaysWhatStaysQueuedAndExits130(bool json)
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), Documents);

        // With --json nothing is printed before the end, so the stores are created first by a run of one document.
        var first = await Docpipe.RunAsync("batch", "--src", Path.Combine(source, "doc-0000.txt"), "--data", Data, "--embedder", "hash", "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        var interrupted = await InterruptMidBatchAsync(json, ["batch", "--src", source, "--data", Data, "--embedder", "hash", "--max-concurrent", "2", .. json ? (string[])["--json"] : []]);
        var status = (await Docpipe.RunAsync("batch", "--status", "--data", Data, "--json")).Json();
        var resumed = await Docpipe.RunAsync("batch", "--resume-jobs", "--data", Data, "--json");
        var after = (await Docpipe.RunAsync("batch", "--status", "--data", Data, "--json")).Json();

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        var message = InterruptedMessage().Match(interrupted.Stderr);
        Assert.True(message.Success, interrupted.ToString());
        var givenBack = int.Parse(message.Groups["running"].Value, CultureInfo.InvariantCulture);
        var queued = int.Parse(message.Groups["queued"].Value, CultureInfo.InvariantCulture);
        Assert.True(givenBack > 0, interrupted.ToString());
        if (json)
        {
            Assert.Equal(message.Value, InterruptedMessage().Match(interrupted.Json().GetProperty("error").GetString()!).Value);
        }

        Assert.Equal(0, status.GetProperty("processing").GetInt32());
        Assert.Equal(givenBack + queued, status.GetProperty("pending").GetInt32());
        Assert.True(status.GetProperty("completed").GetInt32() < Documents, status.ToString());
        Assert.Equal(Documents, status.GetProperty("completed").GetInt32() + status.GetProperty("pending").GetInt32());
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(0, resumed.Json().GetProperty("failed").GetInt32());
        Assert.Equal(Documents, after.GetProperty("completed").GetInt32());
        Assert.Equal(0, after.GetProperty("pending").GetInt32());
        Assert.Equal(0, after.GetProperty("processing").GetInt32());
    }

    public void Dispose() => _directory.Dispose();

    [GeneratedRegex(@"Interrupted: (?<running>\d+) running jobs given back, (?<queued>\d+) queued jobs stay queued; 'docpipe batch --resume-jobs' finishes them\.")]
    private static partial Regex InterruptedMessage();

    /// <summary>
    /// Starts docpipe, watches its job store until jobs are running, sends SIGINT (as Ctrl-C does) and waits for the
    /// tool to exit on its own.
    /// </summary>
    private async Task<DocpipeResult> InterruptMidBatchAsync(bool json, string[] arguments)
    {
        var stdout = new ConcurrentQueue<string>();
        var stderr = new ConcurrentQueue<string>();
        var firstLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = Docpipe.Start(arguments) };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stdout.Enqueue(e.Data);
                firstLine.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The first progress line comes once every store is open, so reading the job store cannot race its creation
            // (with --json the first run created them).
            if (!json)
            {
                await firstLine.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }

            var services = new ServiceCollection();
            services.AddDocPipeline(o => o.DataDirectory = Data);
            await using (var provider = services.BuildServiceProvider())
            {
                var jobs = provider.GetRequiredService<IJobStore>();
                var waited = Stopwatch.StartNew();
                while (await jobs.GetCountsAsync(null) is not { Completed: >= 11, Processing: > 0 })
                {
                    Assert.False(process.HasExited, $"docpipe finished before it could be interrupted; give it more documents.\n{string.Join('\n', stdout)}");
                    Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), $"No job ran within two minutes.\n{string.Join('\n', stdout)}");
                    await Task.Delay(10);
                }
            }

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            process.WaitForExit();
            return new DocpipeResult(process.ExitCode, string.Join('\n', stdout), string.Join('\n', stderr));
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
