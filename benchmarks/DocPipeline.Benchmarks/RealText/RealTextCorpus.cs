using System.Diagnostics;

namespace DocPipeline.Benchmarks.RealText;

/// <summary>
/// The real-text corpus of <c>benchmarks/results/real-text.md</c>: the folder named by <c>DOCPIPE_REAL_TEXT_CORPUS</c>
/// when set, else a new temp folder filled by <c>benchmarks/real-text/build-corpus.sh</c> (Debian documentation text,
/// sorted, deduplicated and capped; the script says which files).
/// </summary>
internal sealed class RealTextCorpus : IDisposable
{
    public RealTextCorpus()
    {
        Root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        var given = Environment.GetEnvironmentVariable("DOCPIPE_REAL_TEXT_CORPUS");
        if (!string.IsNullOrEmpty(given))
        {
            Folder = given;
            return;
        }

        Folder = Path.Combine(Root, "corpus");
        var start = new ProcessStartInfo("bash") { ArgumentList = { FindScript(), Folder }, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start bash.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"build-corpus.sh exited with {process.ExitCode}.");
        }
    }

    /// <summary>Gets the folder that holds the data folders (and the corpus, when built here).</summary>
    public string Root { get; }

    /// <summary>Gets the folder of documents (the source of every run).</summary>
    public string Folder { get; }

    /// <summary>Returns a new, empty data folder path under <see cref="Root"/>.</summary>
    public string NewDataFolder() => Path.Combine(Root, "data-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A store closing late; the temp cleaner takes it.
        }

    }

    private static string FindScript()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var script = Path.Combine(folder.FullName, "benchmarks", "real-text", "build-corpus.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new FileNotFoundException("benchmarks/real-text/build-corpus.sh not found above " + AppContext.BaseDirectory);
    }
}
