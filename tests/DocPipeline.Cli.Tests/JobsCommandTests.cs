using System.Diagnostics;
using System.Text.Json;
using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace DocPipeline.Cli.Tests;

/// <summary><c>docpipe jobs …</c> run as subprocesses beside (and after) real batches on a real data folder.</summary>
public sealed class JobsCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task RetryFailed_AfterTheBadFileIsFixed_ResumeCompletesItAndShowListsTheFirstError()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), 3, bytes: 400);
        var bad = Path.Combine(source, "manual.pdf");
        await File.WriteAllTextAsync(bad, "this is not a PDF");
        var data = _directory.File("data");
        Assert.Equal(1, (await Docpipe.RunAsync("batch", "--src", source, "--data", data, "--embedder", "hash", "--json")).ExitCode);

        var failed = await Docpipe.RunAsync("jobs", "list", "--status", "failed", "--data", data, "--json");
        Assert.True(failed.ExitCode == 0, failed.ToString());
        var job = Assert.Single(failed.Json().GetProperty("jobs").EnumerateArray().ToList());
        var jobId = job.GetProperty("id").GetString()!;
        Assert.Equal((bad, "failed", "add"), (job.GetProperty("source").GetString(), job.GetProperty("status").GetString(), job.GetProperty("type").GetString()));

        File.WriteAllBytes(bad, OnePagePdf("The fixed manual explains the lantern."));
        var retry = await Docpipe.RunAsync("jobs", "retry", "--failed", "--data", data, "--json");
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Equal(1, retry.Json().GetProperty("retried").GetInt32());
        var resume = await Docpipe.RunAsync("batch", "--resume-jobs", "--data", data, "--embedder", "hash", "--json");
        Assert.True(resume.ExitCode == 0, resume.ToString());

        var show = await Docpipe.RunAsync("jobs", "show", jobId, "--data", data, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var shown = show.Json();
        var shownJob = shown.GetProperty("job");
        Assert.Equal(("completed", 1, jobId), (shownJob.GetProperty("status").GetString(), shownJob.GetProperty("attempts").GetInt32(), shownJob.GetProperty("id").GetString()));
        var error = Assert.Single(shown.GetProperty("errors").EnumerateArray().ToList());
        Assert.Equal(1, error.GetProperty("attempt").GetInt32());
        Assert.Contains("PDF", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(error.TryGetProperty("at", out _));
        var search = await Docpipe.RunAsync("search", "lantern manual", "--mode", "keyword", "--data", data, "--json");
        Assert.Contains(search.Json().GetProperty("hits").EnumerateArray(), h => h.GetProperty("source").GetString() == bad);
        var text = await Docpipe.RunAsync("jobs", "show", jobId, "--data", data);
        Assert.Contains("attempt 1 at ", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownJobId_ShowCancelRetry_ExitWith2AndAJsonError()
    {
        var data = _directory.File("data");
        using (var services = OpenJobStore(data))
        {
            await services.GetRequiredService<IJobStore>().CreateAsync([new JobRequest { DocumentId = "doc", Source = "/doc.txt" }]);
        }

        foreach (var verb in new[] { "show", "cancel", "retry" })
        {
            var run = await Docpipe.RunAsync("jobs", verb, "no-such-job", "--data", data, "--json");

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("no-such-job", run.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(2, (await Docpipe.RunAsync("jobs", "cancel", "--data", data)).ExitCode);
        Assert.Equal(2, (await Docpipe.RunAsync("jobs", "purge", "--older-than", "soon", "--data", data)).ExitCode);
        Assert.Equal(2, (await Docpipe.RunAsync("jobs", "list", "--data", _directory.File("nowhere"))).ExitCode);
    }

    [Fact]
    public async Task CancelAndPurge_ByIdDocumentAndAllPending_ChangeOnlyWhatTheyName()
    {
        var data = _directory.File("data");
        IReadOnlyList<JobRecord> jobs;
        using (var services = OpenJobStore(data))
        {
            jobs = await services.GetRequiredService<IJobStore>().CreateAsync(
                new[] { "a", "b", "c", "d" }.Select(d => new JobRequest { DocumentId = d, Source = $"/{d}.txt" }).ToList());
        }

        var one = await Docpipe.RunAsync("jobs", "cancel", jobs[0].Id, "--data", data, "--json");
        var document = await Docpipe.RunAsync("jobs", "cancel", "--document", "b", "--data", data, "--json");
        var again = await Docpipe.RunAsync("jobs", "cancel", jobs[0].Id, "--data", data, "--json");

        Assert.Equal((1, 0, 0), Counts(one));
        Assert.Equal((1, 0, 0), Counts(document));
        Assert.Equal((0, 0, 1), Counts(again));
        var pending = await Docpipe.RunAsync("jobs", "list", "--status", "pending", "--data", data, "--json");
        Assert.Equal(["d", "c"], pending.Json().GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("document_id").GetString()));

        Assert.Equal((2, 0, 0), Counts(await Docpipe.RunAsync("jobs", "cancel", "--all-pending", "--data", data, "--json")));
        var kept = await Docpipe.RunAsync("jobs", "purge", "--older-than", "30d", "--data", data, "--json");
        Assert.Equal(0, kept.Json().GetProperty("purged").GetInt32());

        // Wait on the clock (not a guess) until the cancellations are more than a second old.
        using (var services = OpenJobStore(data))
        {
            var finished = (await services.GetRequiredService<IJobStore>().ListAsync(new JobQuery())).Max(j => j.FinishedAt!.Value);
            using var timeout = new CancellationTokenSource(Patience);
            while (TimeProvider.System.GetUtcNow() - finished <= TimeSpan.FromSeconds(1.5))
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        Assert.Equal(0, (await Docpipe.RunAsync("jobs", "purge", "--older-than", "1s", "--status", "completed", "--data", data, "--json")).Json().GetProperty("purged").GetInt32());
        var purged = await Docpipe.RunAsync("jobs", "purge", "--older-than", "1s", "--status", "cancelled", "--data", data, "--json");
        Assert.True(purged.ExitCode == 0, purged.ToString());
        Assert.Equal(4, purged.Json().GetProperty("purged").GetInt32());
        Assert.Equal(0, (await Docpipe.RunAsync("jobs", "list", "--data", data, "--json")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PauseFromAnotherProcess_NoJobClaimedAfterIt_ResumeFinishesTheBatchWithNothingLost()
    {
        const int Files = 1000;
        var source = GeneratedCorpus.Write(_directory.File("src"), Files, bytes: 200);
        var data = _directory.File("data");
        using var batch = Process.Start(Docpipe.Start("batch", "--src", source, "--data", data, "--embedder", "hash", "--max-concurrent", "1", "--json"))!;
        var batchOutput = batch.StandardOutput.ReadToEndAsync();
        // The batch's queue reports the pause on stderr when it sees the flag (within a second of the pause, later on a
        // loaded machine); the test resumes only after that, so the report is part of what it checks.
        var sawPause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batchErrors = Task.Run(async () =>
        {
            var lines = new System.Text.StringBuilder();
            while (await batch.StandardError.ReadLineAsync() is { } line)
            {
                lines.AppendLine(line);
                if (line.Contains("The job queue is paused", StringComparison.Ordinal))
                {
                    sawPause.TrySetResult();
                }
            }

            return lines.ToString();
        });
        try
        {
            using var services = OpenJobStore(data, waitForFolder: true);
            var store = services.GetRequiredService<IJobStore>();
            await WaitUntilAsync(async () => (await store.GetCountsAsync()).Completed >= 10);

            var pause = await Docpipe.RunAsync("jobs", "pause", "--data", data, "--json");

            Assert.True(pause.ExitCode == 0, pause.ToString());
            Assert.True(pause.Json().GetProperty("is_paused").GetBoolean());
            var claimedAtPause = await ClaimedJobIdsAsync(store);

            // Running jobs finish; then nothing may have left 'pending' since the pause returned.
            await WaitUntilAsync(async () => (await store.GetCountsAsync()).Processing == 0);
            var counts = await store.GetCountsAsync();
            Assert.True(counts.Pending > 0, $"the batch finished before the pause ({counts}); give it more files");
            Assert.Equal(claimedAtPause, await ClaimedJobIdsAsync(store));
            Assert.False(batch.HasExited, "a paused batch waits for the queue to resume");
            var list = await Docpipe.RunAsync("jobs", "list", "--limit", "1", "--data", data);
            Assert.Contains("The queue is paused", list.Stdout, StringComparison.Ordinal);

            await sawPause.Task.WaitAsync(Patience);
            var resume = await Docpipe.RunAsync("jobs", "resume", "--data", data, "--json");
            Assert.False(resume.Json().GetProperty("is_paused").GetBoolean());
            await batch.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            var result = new DocpipeResult(batch.ExitCode, await batchOutput, await batchErrors);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal((Files, 0), (result.Json().GetProperty("added").GetInt32(), result.Json().GetProperty("failed").GetInt32()));
            Assert.Equal(new JobStatusCounts(0, 0, Files, 0, 0), await store.GetCountsAsync());
        }
        finally
        {
            if (!batch.HasExited)
            {
                batch.Kill(entireProcessTree: true);
            }
        }
    }

    private static (int Cancelled, int CancelRequested, int AlreadyFinished) Counts(DocpipeResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        return (json.GetProperty("cancelled").GetInt32(), json.GetProperty("cancel_requested").GetInt32(), json.GetProperty("already_finished").GetInt32());
    }

    private static async Task<HashSet<string>> ClaimedJobIdsAsync(IJobStore store) =>
        (await store.ListAsync(new JobQuery { Limit = JobQuery.MaxLimit })).Where(j => j.Status != JobStatus.Pending).Select(j => j.Id).ToHashSet();

    /// <summary>The data folder's job store, opened the way a host would (the public API); nothing else is opened.</summary>
    private static ServiceProvider OpenJobStore(string data, bool waitForFolder = false)
    {
        if (waitForFolder)
        {
            var watch = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(data, "jobs.db")) && watch.Elapsed < Patience)
            {
                Thread.Sleep(50);
            }
        }

        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = data);
        return services.BuildServiceProvider();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static byte[] OnePagePdf(string text)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(PageSize.A4).AddText(text, 12, new PdfPoint(50, 700), font);
        return builder.Build();
    }
}
