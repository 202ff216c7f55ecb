using System.Diagnostics;
using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Tests;

/// <summary>A batch process killed mid-run (SIGKILL: no shutdown, no cleanup) and finished with <c>--resume-jobs</c>.</summary>
public sealed class KillAndResumeTests : IDisposable
{
    // Enough that the batch is usually still running when the kill lands, now that 300 documents take under a second.
    // On a loaded machine this process can be descheduled until the batch has finished; such a try proves nothing, so
    // it is run again on a new data folder (at most 3 tries).
    private const int Documents = 1000;
    private const int Tries = 3;
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task ResumeJobs_AfterTheBatchProcessWasKilled_SameDocumentsAndChunksAsAnUninterruptedRun()
    {
        var source = GeneratedCorpus.Write(_directory.File("src"), Documents);
        var uninterrupted = _directory.File("uninterrupted");
        long? completedWhenKilled = null;
        var killed = "";
        for (var attempt = 1; completedWhenKilled is null; attempt++)
        {
            Assert.True(attempt <= Tries, $"The batch finished before it could be killed in {Tries} tries; give it more documents.");
            killed = _directory.File($"killed-{attempt}");
            completedWhenKilled = await KillMidBatchAsync("batch", "--src", source, "--data", killed, "--embedder", "hash", "--max-concurrent", "2");
        }

        var resumed = await Docpipe.RunAsync("batch", "--resume-jobs", "--data", killed, "--json");
        var reference = await Docpipe.RunAsync("batch", "--src", source, "--data", uninterrupted, "--embedder", "hash", "--max-concurrent", "2", "--json");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(0, resumed.Json().GetProperty("failed").GetInt32());
        Assert.True(reference.ExitCode == 0, reference.ToString());
        Assert.Equal(Documents, reference.Json().GetProperty("added").GetInt32());
        var afterResume = await DataFolderContents.ReadAsync(killed);
        var expected = await DataFolderContents.ReadAsync(uninterrupted);
        Assert.True(completedWhenKilled < Documents, $"Only {completedWhenKilled} of {Documents} jobs had completed when the process was killed.");
        Assert.Equal(new JobStatusCounts(Pending: 0, Processing: 0, Completed: Documents, Failed: 0, Cancelled: 0), afterResume.Jobs);
        Assert.Equal(Documents, afterResume.Documents.Count);
        Assert.Equal(expected.ChunksPerDocument.OrderBy(p => p.Key), afterResume.ChunksPerDocument.OrderBy(p => p.Key));
        Assert.Equal(expected.RegistryChunks.Select(c => c.ChunkId).Order(), afterResume.RegistryChunks.Select(c => c.ChunkId).Order());
        expected.AssertConsistent();
        afterResume.AssertConsistent();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Starts docpipe, watches its job store from this process until some jobs have completed, and kills it
    /// (SIGKILL). Returns how many jobs had completed just before the kill, or null when the batch finished first.
    /// </summary>
    private static async Task<long?> KillMidBatchAsync(params string[] arguments)
    {
        var data = arguments[Array.IndexOf(arguments, "--data") + 1];
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var firstLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.StartNew();
        using var process = new Process { StartInfo = Docpipe.Start(arguments) };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue($"{started.ElapsedMilliseconds} ms: {e.Data}");
                firstLine.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue($"{started.ElapsedMilliseconds} ms (stderr): {e.Data}");
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The first progress line comes once every store is open (and created): opening the job store here earlier
            // could race docpipe creating it.
            await firstLine.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var services = new ServiceCollection();
            services.AddDocPipeline(o => o.DataDirectory = data);
            await using var provider = services.BuildServiceProvider();
            var jobs = provider.GetRequiredService<IJobStore>();
            var timeout = Stopwatch.StartNew();
            while (true)
            {
                var counts = await jobs.GetCountsAsync(null);
                if (process.HasExited)
                {
                    return null;
                }

                if (counts.Completed >= 10)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    return counts.Completed;
                }

                Assert.True(timeout.Elapsed < TimeSpan.FromMinutes(2), $"No job completed within two minutes.\n{string.Join('\n', output)}");
                await Task.Delay(10);
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
