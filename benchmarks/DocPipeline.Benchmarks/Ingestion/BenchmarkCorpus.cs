using DocPipeline.Benchmarks.Chunking;

namespace DocPipeline.Benchmarks.Ingestion;

/// <summary>
/// A folder of generated plain-text documents of about 5 KB (prose, lists and code lines, as the chunking benchmark
/// uses), written once per benchmark process, plus the temporary data folders the runs write into.
/// </summary>
internal sealed class BenchmarkCorpus : IDisposable
{
    public BenchmarkCorpus(int documents, int seed = 42)
    {
        Root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", Guid.NewGuid().ToString("N"));
        Folder = Path.Combine(Root, "corpus");
        Directory.CreateDirectory(Folder);
        var random = new Random(seed);
        Files = Enumerable.Range(0, documents).Select(i =>
        {
            var path = Path.Combine(Folder, $"doc-{i:D5}.txt");
            File.WriteAllText(path, ChunkingBenchmarks.Document(random));
            return path;
        }).ToArray();
    }

    /// <summary>Gets the folder that holds the documents and the data folders.</summary>
    public string Root { get; }

    /// <summary>Gets the folder of documents (the source of every run).</summary>
    public string Folder { get; }

    /// <summary>Gets the documents' paths.</summary>
    public IReadOnlyList<string> Files { get; }

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
}
