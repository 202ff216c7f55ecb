using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace DocPipeline.WebHost.Tests;

/// <summary>
/// The dashboard serves its pages while a separate <c>docpipe batch</c> process writes the same data folder. The queue
/// is paused first, so the batch is certainly running (queued, holding the folder) while the pages load, however fast
/// or slow the machine is; resuming from the dashboard lets it finish, and the pages keep answering meanwhile.
/// </summary>
public sealed class BesideCliBatchTests
{
    private const int Documents = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private static readonly string[] Pages =
        ["/", "/jobs", "/jobs?status=pending", "/documents", "/search?q=harbour+lantern&mode=keyword", "/consistency", "/api/stats", "/api/jobs?limit=5", "/api/monitor"];

    [Fact]
    public async Task Dashboard_WhileDocpipeBatchWritesTheFolder_ServesEveryPageAndTheBatchFinishes()
    {
        using var host = new WebHostFactory();
        var corpus = WriteCorpus(Path.Combine(host.Root, "corpus"));
        var seed = await RunDocpipeAsync("batch", "--src", Path.Combine(host.Root, "bees.md"), "--data", host.Data, "--embedder", "hash");
        Assert.True(seed.ExitCode == 0, seed.Output);
        var paused = await RunDocpipeAsync("jobs", "pause", "--data", host.Data);
        Assert.True(paused.ExitCode == 0, paused.Output);

        using var batch = Process.Start(Docpipe("batch", "--src", corpus, "--data", host.Data, "--embedder", "hash"))!;
        var stdout = batch.StandardOutput.ReadToEndAsync();
        var stderr = batch.StandardError.ReadToEndAsync();
        try
        {
            using var client = host.CreateKeyClient();
            await WaitUntilAsync(async () => batch.HasExited || await CountAsync(client, "pending") >= Documents, "the batch to queue its documents");
            Assert.False(batch.HasExited, $"docpipe batch ended while the queue was paused:\n{await stderr}");
            await LoadEveryPageAsync(client);
            Assert.False(batch.HasExited, "docpipe batch ended while the queue was paused");

            using (var resume = await client.PostAsync(new Uri("/api/queue/resume", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
            }

            // The pages keep answering while the batch (and the host's own worker) ingest.
            var deadline = Stopwatch.StartNew();
            while (!batch.HasExited)
            {
                Assert.True(deadline.Elapsed < Patience, $"docpipe batch did not finish within {Patience}.");
                await LoadEveryPageAsync(client);
            }

            await batch.WaitForExitAsync();
            Assert.True(batch.ExitCode == 0, $"docpipe batch exited with {batch.ExitCode}:\n{await stdout}\n{await stderr}");
            await WaitUntilAsync(async () => await CountAsync(client, "completed") >= Documents + 1, "every job to complete");
            var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative))).RootElement;
            Assert.Equal(Documents + 1, stats.GetProperty("documents").GetInt64());
        }
        finally
        {
            if (!batch.HasExited)
            {
                batch.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task LoadEveryPageAsync(HttpClient client)
    {
        foreach (var page in Pages)
        {
            using var response = await client.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The number of jobs in <paramref name="status"/>, from the same JSON as <c>docpipe jobs --json</c> counts.</summary>
    private static async Task<long> CountAsync(HttpClient client, string status)
    {
        using var response = await client.GetAsync(new Uri("/api/stats", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var jobs = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobs");
        return jobs.GetProperty(status).GetInt64();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < Patience, $"Gave up waiting for {what} after {Patience}.");
            await Task.Delay(100);
        }
    }

    private static string WriteCorpus(string folder)
    {
        Directory.CreateDirectory(folder);
        string[] words = ["river", "stone", "lantern", "orchard", "harbour", "meadow", "copper", "glacier", "the", "and", "keeps", "under"];
        var random = new Random(11);
        for (var i = 0; i < Documents; i++)
        {
            var text = string.Join(' ', Enumerable.Range(0, 300).Select(_ => words[random.Next(words.Length)]));
            File.WriteAllText(Path.Combine(folder, $"doc-{i:D4}.txt"), $"Document {i}.\n\n{text}.\n");
        }

        return folder;
    }

    /// <summary>The built tool, beside this test project's output (the project builds it first without copying it).</summary>
    private static ProcessStartInfo Docpipe(params string[] arguments)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(output.Parent!.Parent!.FullName, "DocPipeline.Cli", output.Name, "docpipe.dll");
        Assert.True(File.Exists(dll), $"The docpipe tool was not built at {dll}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static async Task<(int ExitCode, string Output)> RunDocpipeAsync(params string[] arguments)
    {
        using var process = Process.Start(Docpipe(arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Patience);
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }
}
