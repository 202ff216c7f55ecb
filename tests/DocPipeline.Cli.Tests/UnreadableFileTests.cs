using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests;

/// <summary>A file docpipe may not read fails its own job with a clear error; the rest of the batch is indexed.</summary>
public sealed class UnreadableFileTests : IDisposable
{
    private const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly TestDirectory _directory = new();

    [SkippableFact]
    public async Task Batch_FileWithoutReadPermission_FailsOnlyThatFileWithPermissionDenied()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new SkipException("Unix file permissions do not apply on Windows.");
        }

        // Root reads a file whatever its mode, so as root the tool runs as 'nobody', in a folder anyone may write.
        var asRoot = Environment.IsPrivilegedProcess;
        Skip.If(asRoot && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"), "Running as root without runuser: no user to whom chmod 000 applies.");
        File.SetUnixFileMode(_directory.Path, Everyone);
        var source = GeneratedCorpus.Write(_directory.File("src"), 4);
        var secret = _directory.Write("src/secret.txt", "Nobody may read this sentence.");
        File.SetUnixFileMode(secret, UnixFileMode.None);
        string[] arguments = ["batch", "--src", source, "--data", _directory.File("data"), "--embedder", "hash", "--json"];

        var run = asRoot ? await Docpipe.RunAsUserAsync("nobody", _directory.Path, arguments) : await Docpipe.RunAsync(arguments);

        Assert.True(run.ExitCode == 1, run.ToString());
        var json = run.Json();
        Assert.Equal(4, json.GetProperty("added").GetInt32());
        Assert.Equal(1, json.GetProperty("failed").GetInt32());
        var failure = Assert.Single(json.GetProperty("failures").EnumerateArray().ToList());
        Assert.Equal(secret, failure.GetProperty("source").GetString());
        Assert.Contains("Permission denied", failure.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
