using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DocPipeline.Specification.Tests;

namespace DocPipeline.WebHost.Tests;

/// <summary>
/// The built host run as a user runs it (<c>dotnet …/DocPipeline.WebHost.dll</c>) from a folder that is not its own, a
/// real process on a loopback port: the pages come with their stylesheet and script, and no line is logged per request.
/// </summary>
public sealed partial class BuiltHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task BuiltDll_RunFromAnotherFolder_ServesStylesheetAndScriptWithoutLoggingEachRequest()
    {
        using var directory = new TestDirectory();
        var workingFolder = directory.File("elsewhere");
        Directory.CreateDirectory(workingFolder);
        var output = new StringBuilder();
        using var host = StartHost(workingFolder, directory.File("data"), output);
        try
        {
            var address = await WaitForAddressAsync(host, output);
            using var client = new HttpClient { BaseAddress = address };

            using var css = await client.GetAsync(new Uri("/site.css", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
            using var script = await client.GetAsync(new Uri("/overview.js", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            using var page = await client.GetAsync(new Uri("/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("site.css", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync().WaitAsync(Patience);
        }

        lock (output)
        {
            Assert.DoesNotContain("Request starting", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Request finished", output.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>The built host, beside this test project's output (the test project references it).</summary>
    private static Process StartHost(string workingFolder, string data, StringBuilder output)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(bin.Parent!.Parent!.FullName, "DocPipeline.WebHost", bin.Name, "DocPipeline.WebHost.dll");
        Assert.True(File.Exists(dll), $"The web host was not built at {dll}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Embedder"] = "hash";
        start.Environment["DocPipeline__DataDirectory"] = data;
        start.Environment["WebHost__ApiKey"] = WebHostFactory.Key;
        start.Environment["WebHost__AnonymousRead"] = "true";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<Uri> WaitForAddressAsync(Process host, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && !host.HasExited)
        {
            lock (output)
            {
                if (ListeningOn().Match(output.ToString()) is { Success: true } match)
                {
                    return new Uri(match.Groups[1].Value);
                }
            }

            await Task.Delay(200);
        }

        lock (output)
        {
            throw new Xunit.Sdk.XunitException($"The host did not say where it listens within {Patience} (exited: {host.HasExited}):\n{output}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
