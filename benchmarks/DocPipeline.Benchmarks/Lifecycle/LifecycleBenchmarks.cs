using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Management;
using DocPipeline.Registry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.Lifecycle;

/// <summary>
/// Document lifecycle on the embedded defaults (SQLite, Lucene, the on-disk vector index) with the hashing embedder:
/// updating a ~300-chunk document after one paragraph changed, against re-ingesting it whole (remove, forget its
/// embeddings, add: what a pipeline without chunk-level updates does); removing a 1,000-chunk document; and one
/// batch of 1,000 mixed operations. The texts sent to the embedder per operation are printed after each run
/// ("texts embedded per op").
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 8, invocationCount: 1)]
public class LifecycleBenchmarks
{
    private readonly List<string> _paragraphs = Enumerable.Range(0, 750).Select(Paragraph).ToList();
    private string _root = string.Empty;
    private ServiceProvider _services = null!;
    private CountingHashingEmbedder _embedder = null!;
    private IIndexManager _manager = null!;
    private string _longPath = string.Empty;
    private string _longId = string.Empty;
    private string _bigId = string.Empty;
    private long _textsBefore;
    private int _edit;
    private IReadOnlyList<DocumentOperation> _mixed = [];

    [GlobalSetup]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", "lifecycle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _embedder = new CountingHashingEmbedder();
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = Path.Combine(_root, "data"));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_embedder);
        _services = services.BuildServiceProvider();
        _manager = _services.GetRequiredService<IIndexManager>();
        _longPath = Path.Combine(_root, "long.txt");
        File.WriteAllText(_longPath, string.Join("\n\n", _paragraphs));
        var added = _manager.AddAsync(_longPath).GetAwaiter().GetResult();
        _longId = added.DocumentId;
        Console.WriteLine($"// long document: {added.Chunks} chunks");
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _services.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [IterationSetup(Targets = [nameof(UpdateOneParagraph), nameof(ReingestWholeDocument)])]
    public void EditOneParagraph()
    {
        // A different edit each iteration, so every update is a real change.
        var edited = new List<string>(_paragraphs);
        var at = 100 + (_edit++ * 37 % 500);
        edited[at] = edited[at].Replace("harbour", "lagoon " + _edit, StringComparison.Ordinal);
        File.WriteAllText(_longPath, string.Join("\n\n", edited));
        _textsBefore = _embedder.Texts;
    }

    [IterationCleanup(Targets = [nameof(UpdateOneParagraph), nameof(ReingestWholeDocument)])]
    public void ReportEmbedded() => Console.WriteLine($"// texts embedded per op: {_embedder.Texts - _textsBefore}");

    [Benchmark(Description = "update, one paragraph changed")]
    public Task<DocumentOperationResult> UpdateOneParagraph() => _manager.UpdateAsync(_longId, _longPath);

    [Benchmark(Baseline = true, Description = "re-ingest whole document (remove, forget embeddings, add)")]
    public async Task<DocumentOperationResult> ReingestWholeDocument()
    {
        await _manager.RemoveAsync(_longId);
        await _services.GetRequiredService<IEmbeddingCache>().PurgeUnusedEmbeddingsAsync();
        var added = await _manager.AddAsync(_longPath);
        _longId = added.DocumentId;
        return added;
    }

    [IterationSetup(Target = nameof(RemoveThousandChunkDocument))]
    public void AddThousandChunkDocument()
    {
        var path = Path.Combine(_root, $"big-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, string.Join("\n\n", Enumerable.Range(0, 1000).Select(i => Paragraph(i) + " " + path)));
        var added = _manager.AddAsync(path).GetAwaiter().GetResult();
        _bigId = added.DocumentId;
        Console.WriteLine($"// document to remove: {added.Chunks} chunks");
    }

    [Benchmark(Description = "remove a 1,000-chunk document")]
    public Task<DocumentOperationResult> RemoveThousandChunkDocument() => _manager.RemoveAsync(_bigId);

    [IterationSetup(Target = nameof(MixedBatch))]
    public void PrepareMixedBatch()
    {
        // 400 existing documents: 400 new files to add, 400 existing ones changed (update), 200 removed.
        var folder = Path.Combine(_root, "mixed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var existing = Enumerable.Range(0, 600).Select(i => Write(folder, $"old{i}.txt", Paragraph(i))).ToList();
        var seeded = _manager.ApplyAsync(existing.Select(DocumentOperation.Add).ToList()).GetAwaiter().GetResult();
        var operations = new List<DocumentOperation>(1000);
        operations.AddRange(Enumerable.Range(0, 400).Select(i => DocumentOperation.Add(Write(folder, $"new{i}.txt", Paragraph(i + 1000)))));
        for (var i = 0; i < 400; i++)
        {
            File.AppendAllText(existing[i], "\n\nAn added closing line for update " + i);
            operations.Add(DocumentOperation.Update(seeded[i].DocumentId, existing[i]));
        }

        operations.AddRange(seeded.Skip(400).Select(r => DocumentOperation.Remove(r.DocumentId)));
        _mixed = operations;
    }

    [Benchmark(Description = "batch of 1,000 mixed operations (400 add, 400 update, 200 remove)")]
    public Task<IReadOnlyList<DocumentOperationResult>> MixedBatch() => _manager.ApplyAsync(_mixed);

    private static string Write(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Paragraph(int i) =>
        $"Paragraph {i} tells of ship number {i} that left the harbour at dawn with {i % 7 + 2} sailors, " +
        $"a cargo of {(i % 3 == 0 ? "salt" : i % 3 == 1 ? "timber" : "wool")} and a log book numbered {i * 17}. " +
        $"The crew of vessel {i} sang as the tide turned, and the keeper noted the time in ledger {i * 3}.";
}
