using System.Diagnostics;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary>The live view of <c>docpipe monitor</c> on a real terminal: a detached tmux session, read with capture-pane, quit with <c>q</c>.</summary>
public sealed class MonitorTerminalTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private readonly TestDirectory _directory = new();
    private readonly string _socket = "docpipe-test-" + Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task MonitorLive_OnATerminal_RendersAndQuitsOnQ()
    {
        Skip.If(FindTmux() is null, "tmux is not installed (.ci/run installs it with apt-get).");
        var data = _directory.File("data");
        var batch = await Docpipe.RunAsync("batch", "--src", GeneratedCorpus.Write(_directory.File("src"), 3), "--data", data, "--embedder", "hash");
        Assert.True(batch.ExitCode == 0, batch.ToString());
        var marker = _directory.File("exit-code");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var script = $"{Quote(dotnet)} {Quote(Docpipe.DllPath)} monitor --data {Quote(data)}; echo $? > {Quote(marker)}; sleep 60";

        await TmuxAsync("new-session", "-d", "-s", "monitor", "-x", "120", "-y", "40", "sh", "-c", script);
        var screen = await WaitForScreenAsync(s => s.Contains("docpipe monitor (live)", StringComparison.Ordinal) && s.Contains("completed 3", StringComparison.Ordinal));
        await TmuxAsync("send-keys", "-t", "monitor", "q");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(marker) || (await File.ReadAllTextAsync(marker)).Trim().Length == 0)
        {
            Assert.True(waited.Elapsed < Patience, $"docpipe monitor did not quit on 'q' within {Patience}.\n{await TmuxAsync("capture-pane", "-p", "-t", "monitor")}");
            await Task.Delay(100);
        }

        Assert.Contains("jobs: pending 0, processing 0, completed 3", screen, StringComparison.Ordinal);
        Assert.Equal("0", (await File.ReadAllTextAsync(marker)).Trim());
    }

    public void Dispose()
    {
        if (FindTmux() is not null)
        {
            TmuxAsync("kill-server").ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        }

        _directory.Dispose();
    }

    private static string? FindTmux() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, "tmux")).FirstOrDefault(File.Exists);

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task<string> WaitForScreenAsync(Func<string, bool> condition)
    {
        var waited = Stopwatch.StartNew();
        var screen = string.Empty;
        while (waited.Elapsed < Patience)
        {
            screen = await TmuxAsync("capture-pane", "-p", "-t", "monitor");
            if (condition(screen))
            {
                return screen;
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"The live view did not render within {Patience}. Screen:\n{screen}");
    }

    /// <summary>Runs tmux on this test's own server socket and returns its stdout.</summary>
    private async Task<string> TmuxAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Patience);
        return await output + await errors;
    }
}
