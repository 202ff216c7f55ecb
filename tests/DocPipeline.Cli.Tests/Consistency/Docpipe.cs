using System.Diagnostics;
using System.Text.Json;

namespace DocPipeline.Cli.Tests.Consistency;

/// <summary>Runs the built <c>docpipe</c> tool in a child process, the way a user or a cron job does.</summary>
internal static class Docpipe
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    /// <summary>Runs <c>docpipe</c> with <paramref name="arguments"/> and returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "docpipe.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Runs <c>docpipe … --json</c> and parses the one JSON object it prints.</summary>
    public static async Task<(int ExitCode, JsonElement Json)> RunJsonAsync(params string[] arguments)
    {
        var (exitCode, output, errors) = await RunAsync([.. arguments, "--json"]);
        Assert.True(output.Trim().StartsWith('{'), $"no JSON on stdout (exit {exitCode}): {output}\n{errors}");
        using var document = JsonDocument.Parse(output);
        return (exitCode, document.RootElement.Clone());
    }

    /// <summary>Copies the sample corpus of the repository into <paramref name="target"/>.</summary>
    public static string CopyCorpus(string target)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "DocPipeline.sln")))
        {
            root = root.Parent;
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root!.FullName, "samples", "corpus")))
        {
            if (Path.GetFileName(file) != "README.md")
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        return target;
    }
}
