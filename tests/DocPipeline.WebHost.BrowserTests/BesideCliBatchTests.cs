using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocPipeline.Cli.Tests;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;

namespace DocPipeline.WebHost.BrowserTests;

/// <summary>
/// The dashboard serves its pages while a separate <c>docpipe batch</c> process writes the same data folder: the
/// batch holds the folder's writer lock, the host reads beside it (its worker waits its turn), and the overview shows
/// the batch's progress as it goes; the queue paused and resumed from the dashboard holds and releases the batch.
/// </summary>
public sealed partial class BesideCliBatchTests : IDisposable
{
    private const int Documents = 1500;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Dashboard_WhileDocpipeBatchWritesTheFolder_ServesEveryPageAndResumesIt()
    {
        // A folder with one document, its queue paused: the big batch then holds the folder and waits for a resume,
        // so the pages below are loaded while it runs, however fast or slow the machine is.
        var corpus = GeneratedCorpus.Write(_directory.File("corpus"), Documents, bytes: 3000);
        var first = Directory.CreateDirectory(_directory.File("first")).FullName;
        File.Copy(Path.Combine(RepositoryPaths.CorpusDirectory, "honeybee-colonies.md"), Path.Combine(first, "honeybee-colonies.md"));
        var data = _directory.File("data");
        await RunDocpipeAsync("batch", "--src", first, "--data", data, "--embedder", "hash");
        await RunDocpipeAsync("jobs", "pause", "--data", data);

        using var batch = StartDocpipe("batch", "--src", corpus, "--data", data, "--embedder", "hash");
        var stderr = batch.StandardError.ReadToEndAsync();
        var stdout = batch.StandardOutput.ReadToEndAsync();
        var owner = Path.Combine(data, "writer.json");
        await WaitUntilAsync(() => batch.HasExited || (File.Exists(owner) && ReadShared(owner).Contains($"\"process_id\":{batch.Id},", StringComparison.Ordinal)), "the batch to hold the data folder");
        Assert.False(batch.HasExited, $"docpipe batch ended before the dashboard opened the folder:\n{await stderr}");

        using var host = new LiveHost(data);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", LiveHost.Key);
        await WaitUntilAsync(async () => await PendingAsync(client) == Documents, "the batch to queue its documents");
        await LoadEveryPageAsync(client);
        Assert.False(batch.HasExited, "docpipe batch ended while its queue was paused.");
        Assert.Contains("The queue is paused", await client.GetStringAsync(new Uri("/jobs", UriKind.Relative)), StringComparison.Ordinal);

        // Resume from the dashboard: the other process picks its jobs up; the overview follows its progress.
        using (var resume = await client.PostAsync(new Uri("/api/queue/resume", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        }

        var seen = new SortedSet<long>();
        var deadline = DateTime.UtcNow + Patience;
        while (!batch.HasExited)
        {
            Assert.True(DateTime.UtcNow < deadline, $"docpipe batch did not finish within {Patience}.");
            seen.Add(await LoadEveryPageAsync(client));
        }

        Assert.True(batch.ExitCode == 0, $"docpipe batch exited with {batch.ExitCode}:\n{await stderr}\n{await stdout}");
        Assert.All(seen, completed => Assert.InRange(completed, 1, Documents + 1));

        // After the batch, the host sees every document it wrote.
        var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative))).RootElement;
        Assert.Equal(Documents + 1, stats.GetProperty("documents").GetInt64());
    }

    /// <summary>Loads every page and a few API reads, each must answer 200; returns the completed count of the overview.</summary>
    private static async Task<long> LoadEveryPageAsync(HttpClient client)
    {
        foreach (var page in new[] { "/jobs?status=pending", "/documents", "/search?q=harbour+lantern&mode=keyword", "/consistency", "/api/jobs?limit=5", "/api/stats" })
        {
            using var response = await client.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var overview = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        return long.Parse(Completed().Match(overview).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> PendingAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/monitor", UriKind.Relative))).RootElement.GetProperty("jobs").GetProperty("pending").GetInt64();

    private static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static async Task RunDocpipeAsync(params string[] arguments)
    {
        using var process = StartDocpipe(arguments);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"docpipe {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stderr}\n{await stdout}");
    }

    private static Process StartDocpipe(params string[] arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains("/debug/", StringComparison.Ordinal) ? "debug" : "release";
        var dll = Path.Combine(RepositoryPaths.Root, "artifacts", "bin", "DocPipeline.Cli", configuration, "docpipe.dll");
        Assert.True(File.Exists(dll), $"The docpipe tool is not built at {dll}.");
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

        return Process.Start(start) ?? throw new InvalidOperationException("Cannot start docpipe.");
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {Patience} for {what}.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("id=\"jobs-completed\">(\\d+)<")]
    private static partial Regex Completed();

    public void Dispose() => _directory.Dispose();
}
