using System.Diagnostics;

namespace DocPipeline.Cli.Tests;

/// <summary>
/// Runs the built docpipe tool as a subprocess, the way users run it (<c>dotnet docpipe.dll …</c>): the tool is
/// copied next to this test assembly because the project references it.
/// </summary>
internal static class Docpipe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "docpipe.dll");

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Runs docpipe with <paramref name="arguments"/> and waits for it to exit.</summary>
    public static Task<DocpipeResult> RunAsync(params string[] arguments) => RunAsync(Start(arguments));

    /// <summary>Describes a run of docpipe with <paramref name="arguments"/>, output redirected.</summary>
    public static ProcessStartInfo Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public static async Task<DocpipeResult> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docpipe {string.Join(' ', start.ArgumentList)} did not exit within {Timeout}.\n{await stderr}");
        }

        return new DocpipeResult(process.ExitCode, await stdout, await stderr);
    }
}
