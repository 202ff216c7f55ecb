using System.Diagnostics;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Cli.Tests.Configuration;

/// <summary>A working directory for docpipe: its config.yaml, appsettings.json, sources, and runs of the tool from it.</summary>
internal sealed class ConfigFolder : IDisposable
{
    private readonly TestDirectory _directory = new();

    public string Path => _directory.Path;

    public string File(string relativePath) => _directory.File(relativePath);

    public string Write(string relativePath, string content) => _directory.Write(relativePath, content);

    /// <summary>Writes <paramref name="count"/> small text documents under <c>src</c>.</summary>
    public string Sources(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Write($"src/doc{i}.txt", $"Document {i} talks about subject {i} and nothing else, in a few plain words.");
        }

        return File("src");
    }

    /// <summary>Runs docpipe from this folder with <paramref name="environment"/> added to (or, with a null value, removed from) its environment.</summary>
    public Task<DocpipeResult> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        ProcessStartInfo start = Docpipe.Start(arguments);
        start.WorkingDirectory = Path;
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOCPIPELINE__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return Docpipe.RunAsync(start);
    }

    public Task<DocpipeResult> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    public void Dispose() => _directory.Dispose();
}
