using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace DocPipeline.WebHost.Tests;

/// <summary>
/// The dashboard serves its pages while a separate <c>docpipe batch</c> process writes the same data folder, whichever
/// started first. The queue is paused first, so the batch is certainly running (holding the folder's writer lock, its
/// jobs queued) while the pages load, however fast or slow the machine is; resuming from the dashboard lets it finish,
/// and afterwards the host's search finds what the batch wrote.
/// </summary>
public sealed class BesideCliBatchTests
{
    private const int Documents = 60;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private static readonly string[] Pages =
        ["/", "/jobs", "/jobs?status=pending", "/documents", "/search?q=harbour+lantern&mode=keyword", "/consistency", "/api/stats", "/api/jobs?limit=5", "/api/monitor"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Dashboard_WhileDocpipeBatchWritesTheFolder_ServesEveryPageAndTheBatchFinishes(bool hostFirst)
    {
        using var host = new WebHostFactory();
        var corpus = WriteCorpus(Path.Combine(host.Root, "corpus"));
        var seed = await RunDocpipeAsync("batch", "--src", Path.Combine(host.Root, "bees.md"), "--data", host.Data, "--embedder", "hash");
        Assert.True(seed.ExitCode == 0, seed.Output);

        HttpClient? client = null;
        if (hostFirst)
        {
            client = host.CreateKeyClient();
            await LoadEveryPageAsync(client);

            // The host writes the folder just before the batch starts (its keyword and vector indexes open): the batch
            // must get its turn once the host is done, not fail on the indexes' locks.
            using var ingest = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), WebHostFactory.Json($$"""{"sources":["{{Path.Combine(host.Root, "tides.txt")}}"]}"""));
            Assert.True(ingest.StatusCode == HttpStatusCode.OK, await ingest.Content.ReadAsStringAsync());
        }

        var paused = await RunDocpipeAsync("jobs", "pause", "--data", host.Data);
        Assert.True(paused.ExitCode == 0, paused.Output);

        using var batch = Process.Start(Docpipe("batch", "--src", corpus, "--data", host.Data, "--embedder", "hash"))!;
        var stdout = batch.StandardOutput.ReadToEndAsync();
        var stderr = batch.StandardError.ReadToEndAsync();
        try
        {
            // Batch first: the host starts only once the batch holds the folder's writer lock.
            await WaitUntilAsync(() => Task.FromResult(batch.HasExited || WriterProcessId(host.Data) == batch.Id), "the batch to become the folder's writer");
            await ThrowIfExitedAsync(batch, stdout, stderr);
            client ??= host.CreateKeyClient();

            await WaitUntilAsync(async () => batch.HasExited || await CountAsync(client, "pending") >= Documents, "the batch to queue its documents");
            await ThrowIfExitedAsync(batch, stdout, stderr);
            await LoadEveryPageAsync(client);

            // The overview says who writes the folder; a change that needs the writer is refused with a problem, not left waiting.
            await WaitUntilAsync(async () => (await client.GetStringAsync(new Uri("/", UriKind.Relative))).Contains($"process {batch.Id}", StringComparison.Ordinal), "the overview to name the batch as the folder's writer");
            using (var backup = await client.PostAsync(new Uri("/api/consistency/backup", UriKind.Relative), null))
            {
                var problem = await backup.Content.ReadAsStringAsync();
                Assert.True(backup.StatusCode == HttpStatusCode.Conflict, problem);
                Assert.Contains($"process {batch.Id}", problem, StringComparison.Ordinal);
            }

            await ThrowIfExitedAsync(batch, stdout, stderr);
            using (var resume = await client.PostAsync(new Uri("/api/queue/resume", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
            }

            // The pages keep answering while the batch ingests.
            var deadline = Stopwatch.StartNew();
            while (!batch.HasExited)
            {
                Assert.True(deadline.Elapsed < Patience, $"docpipe batch did not finish within {Patience}.");
                await LoadEveryPageAsync(client);
            }

            await batch.WaitForExitAsync();
            Assert.True(batch.ExitCode == 0, $"docpipe batch exited with {batch.ExitCode}:\n{await stdout}\n{await stderr}");
            var expected = Documents + (hostFirst ? 2 : 1);
            await WaitUntilAsync(async () => await CountAsync(client, "completed") >= expected, "every job to complete");
            var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative))).RootElement;
            Assert.Equal(expected, stats.GetProperty("documents").GetInt64());

            // The host's search finds what the batch wrote.
            // (the read-only searcher picks up the batch's last commit on its next refresh).
            var hits = default(JsonElement);
            await WaitUntilAsync(
                async () => (hits = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?q=marker0042&mode=keyword", UriKind.Relative))).RootElement.GetProperty("hits")).GetArrayLength() > 0,
                "the host's search to find a document of the batch");
            Assert.EndsWith("doc-0042.txt", hits[0].GetProperty("source").GetString(), StringComparison.Ordinal);

            using (var health = await client.GetAsync(new Uri("/health", UriKind.Relative)))
            {
                Assert.True(health.StatusCode == HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
            }

            // And the host writes again once the batch has let the folder go.
            using var remove = await client.DeleteAsync(new Uri($"/api/documents/{Uri.EscapeDataString(hits[0].GetProperty("doc_id").GetString()!)}", UriKind.Relative));
            Assert.True(remove.StatusCode == HttpStatusCode.OK, await remove.Content.ReadAsStringAsync());
        }
        finally
        {
            client?.Dispose();
            if (!batch.HasExited)
            {
                batch.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Fails when the batch ended while the queue was paused (its output is read only then: it ends with the process).</summary>
    private static async Task ThrowIfExitedAsync(Process batch, Task<string> stdout, Task<string> stderr)
    {
        if (batch.HasExited)
        {
            Assert.Fail($"docpipe batch ended (exit {batch.ExitCode}) while the queue was paused:\n{await stdout}\n{await stderr}");
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

    /// <summary>The process named as the holder of the data folder's writer lock, or 0.</summary>
    private static int WriterProcessId(string data)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "writer.json"))).RootElement.GetProperty("process_id").GetInt32();
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return 0;
        }
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
            File.WriteAllText(Path.Combine(folder, $"doc-{i:D4}.txt"), $"Document {i}, marker{i:D4}.\n\n{text}.\n");
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
