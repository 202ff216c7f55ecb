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
    // Enough that the batch is usually still running when the SIGINT lands (300 documents took under a second once
    // ingestion got faster). On a loaded machine the test process can still be descheduled long enough for the batch to
    // finish first; such a try proves nothing either way, so it is run again on a new data folder (at most 3 tries).
    private const int Documents = 1500;
    private const int Tries = 3;
    private readonly TestDirectory _directory = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Batch_Sigint_GivesRunningJobsBackSaysWhatStaysQueuedAndExits130(bool json)
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), Documents);
        DocpipeResult? interrupted = null;
        var data = "";
        for (var attempt = 1; interrupted is null; attempt++)
        {
            Assert.True(attempt <= Tries, $"The batch finished before the SIGINT could land in {Tries} tries; give it more documents.");
            data = _directory.File($"data-{attempt}");

            // With --json nothing is printed before the end, so the stores are created first by a run of one document.
            var first = await Docpipe.RunAsync("batch", "--src", Path.Combine(source, "doc-0000.txt"), "--data", data, "--embedder", "hash", "--json");
            Assert.True(first.ExitCode == 0, first.ToString());
            interrupted = await InterruptMidBatchAsync(json, data, ["batch", "--src", source, "--data", data, "--embedder", "hash", "--max-concurrent", "2", .. json ? (string[])["--json"] : []]);
        }

        var status = (await Docpipe.RunAsync("batch", "--status", "--data", data, "--json")).Json();
        var resumed = await Docpipe.RunAsync("batch", "--resume-jobs", "--data", data, "--json");
        var after = (await Docpipe.RunAsync("batch", "--status", "--data", data, "--json")).Json();

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
    /// tool to exit on its own. Returns null when the batch finished before the signal could be sent.
    /// </summary>
    private async Task<DocpipeResult?> InterruptMidBatchAsync(bool json, string data, string[] arguments)
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
            services.AddDocPipeline(o => o.DataDirectory = data);
            await using (var provider = services.BuildServiceProvider())
            {
                var jobs = provider.GetRequiredService<IJobStore>();
                var waited = Stopwatch.StartNew();
                while (await jobs.GetCountsAsync(null) is not { Completed: >= 11, Processing: > 0 })
                {
                    if (process.HasExited)
                    {
                        return null;
                    }

                    Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), $"No job ran within two minutes.\n{string.Join('\n', stdout)}");
                    await Task.Delay(10);
                }
            }

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                if (kill.ExitCode != 0)
                {
                    // The batch ended between the last look at the job store and the signal.
                    Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "kill -INT failed while docpipe was still running");
                    return null;
                }
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            process.WaitForExit();

            // Exit code 0: every job had finished before the signal arrived, so there was nothing to interrupt.
            return process.ExitCode == 0 ? null : new DocpipeResult(process.ExitCode, string.Join('\n', stdout), string.Join('\n', stderr));
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
