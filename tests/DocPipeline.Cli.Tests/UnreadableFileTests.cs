using System.Diagnostics;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary>A file docpipe may not read fails its own job with a clear error; the rest of the batch is indexed.</summary>
public sealed class UnreadableFileTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [SkippableFact]
    public async Task Batch_FileWithoutReadPermission_FailsOnlyThatFileWithPermissionDenied()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new SkipException("Unix file permissions do not apply on Windows.");
        }

        // Root reads a file whatever its mode, through the capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. As
        // root the tool runs without them (setpriv), still as root: chmod 000 then applies to it as to the file's owner,
        // and it still reaches the tool and the test folder wherever they are (another user could not traverse a
        // checkout under /root or a mode 700 temporary folder).
        var asRoot = Environment.IsPrivilegedProcess;
        Skip.If(asRoot && !File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"), "Running as root without setpriv: no way to run the tool without its override of file permissions.");
        var source = GeneratedCorpus.Write(_directory.File("src"), 4);
        var secret = _directory.Write("src/secret.txt", "Nobody may read this sentence.");
        File.SetUnixFileMode(secret, UnixFileMode.None);
        var start = Docpipe.Start("batch", "--src", source, "--data", _directory.File("data"), "--embedder", "hash", "--json");

        var run = await Docpipe.RunAsync(asRoot ? WithoutPermissionOverride(start) : start);

        Assert.True(run.ExitCode == 1, run.ToString());
        var json = run.Json();
        Assert.Equal(4, json.GetProperty("added").GetInt32());
        Assert.Equal(1, json.GetProperty("failed").GetInt32());
        var failure = Assert.Single(json.GetProperty("failures").EnumerateArray().ToList());
        Assert.Equal(secret, failure.GetProperty("source").GetString());
        Assert.Contains("Permission denied", failure.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The same command, run by setpriv without the capabilities that let root read any file.</summary>
    private static ProcessStartInfo WithoutPermissionOverride(ProcessStartInfo start)
    {
        var wrapped = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--bounding-set=-dac_override,-dac_read_search", "--", start.FileName, .. start.ArgumentList])
        {
            wrapped.ArgumentList.Add(argument);
        }

        return wrapped;
    }

    public void Dispose() => _directory.Dispose();
}
