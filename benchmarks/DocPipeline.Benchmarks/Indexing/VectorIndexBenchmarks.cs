using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using Microsoft.Extensions.Logging.Abstractions;

namespace DocPipeline.Benchmarks.Indexing;

/// <summary>
/// The embedded vector index at 100,000 × 384 (MiniLM's size): exact top-10 search against a single-threaded brute
/// force over the same vectors in a managed array, and upsert throughput in batches of 500 (durable: each batch is
/// fsynced and committed).
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project benchmarks/DocPipeline.Benchmarks -- --filter '*VectorIndex*'</c>.</remarks>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class VectorIndexBenchmarks
{
    private const int Count = 100_000;
    private const int Dimensions = 384;
    private const int TopK = 10;
    private const int BatchSize = 500;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", Guid.NewGuid().ToString("N"));
    private float[] _vectors = [];
    private float[][] _queries = [];
    private EmbeddedVectorIndex? _index;
    private EmbeddedVectorIndex? _oneThreadIndex;
    private EmbeddedVectorIndex? _upsertIndex;
    private VectorRecord[][] _batches = [];
    private int _next;

    [GlobalSetup(Targets = [nameof(BruteForceSingleThreaded), nameof(Search), nameof(SearchOneThread)])]
    public async Task SetupSearchAsync()
    {
        var random = new Random(42);
        _vectors = new float[Count * Dimensions];
        for (var i = 0; i < _vectors.Length; i++)
        {
            _vectors[i] = (random.NextSingle() * 2f) - 1f;
        }

        _queries = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, Dimensions).Select(_ => (random.NextSingle() * 2f) - 1f).ToArray()).ToArray();
        _index = Open("search", parallelism: 0);
        for (var start = 0; start < Count; start += 5_000)
        {
            await _index.UpsertAsync(Enumerable.Range(start, 5_000).Select(Record).ToList());
        }

        await _index.CopyToAsync(Path.Combine(_root, "one-thread"), CancellationToken.None);
        _oneThreadIndex = Open("one-thread", parallelism: 1);

        // Fault the mapped pages in once, as a long-running process would have them.
        await _index.SearchAsync(_queries[0], TopK);
        await _oneThreadIndex.SearchAsync(_queries[0], TopK);
    }

    [GlobalSetup(Target = nameof(Upsert))]
    public void SetupUpsert()
    {
        var random = new Random(7);
        _upsertIndex = Open("upsert", parallelism: 0);
        _batches = Enumerable.Range(0, 16)
            .Select(_ => Enumerable.Range(0, BatchSize)
                .Select(_ => Enumerable.Range(0, Dimensions).Select(_ => (random.NextSingle() * 2f) - 1f).ToArray())
                .ToArray())
            .Select(vectors => vectors.Select((vector, i) => new VectorRecord { ChunkId = $"c{i}", DocumentId = "d", Vector = vector }).ToArray())
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index?.Dispose();
        _oneThreadIndex?.Dispose();
        _upsertIndex?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>The naive exact search: cosine of the query with every vector, one thread, a priority queue for the top 10.</summary>
    [Benchmark(Baseline = true, Description = "brute force, 1 thread, managed array")]
    [BenchmarkCategory("search 100k x 384")]
    public int BruteForceSingleThreaded()
    {
        var query = NextQuery();
        var top = new PriorityQueue<int, float>(TopK + 1);
        for (var i = 0; i < Count; i++)
        {
            top.Enqueue(i, TensorPrimitives.CosineSimilarity(query, _vectors.AsSpan(i * Dimensions, Dimensions)));
            if (top.Count > TopK)
            {
                top.Dequeue();
            }
        }

        return top.Peek();
    }

    [Benchmark(Description = "EmbeddedVectorIndex, all cores")]
    [BenchmarkCategory("search 100k x 384")]
    public Task<IReadOnlyList<IndexHit>> Search() => _index!.SearchAsync(NextQuery(), TopK);

    [Benchmark(Description = "EmbeddedVectorIndex, 1 thread")]
    [BenchmarkCategory("search 100k x 384")]
    public Task<IReadOnlyList<IndexHit>> SearchOneThread() => _oneThreadIndex!.SearchAsync(NextQuery(), TopK);

    /// <summary>One durable batch of 500 new vectors; the time is per vector (vectors/s = 1e9 / ns).</summary>
    [Benchmark(OperationsPerInvoke = BatchSize, Description = "upsert, batches of 500, per vector")]
    [BenchmarkCategory("upsert x 384")]
    public Task Upsert()
    {
        var round = _next++;
        var batch = _batches[round % _batches.Length]
            .Select(record => new VectorRecord { ChunkId = $"r{round}-{record.ChunkId}", DocumentId = $"d{round}", Vector = record.Vector })
            .ToList();
        return _upsertIndex!.UpsertAsync(batch);
    }

    private VectorRecord Record(int i) =>
        new() { ChunkId = $"c{i}", DocumentId = $"d{i / 20}", Vector = _vectors.AsMemory(i * Dimensions, Dimensions) };

    private float[] NextQuery() => _queries[_next++ % _queries.Length];

    private EmbeddedVectorIndex Open(string name, int parallelism) =>
        new(Path.Combine(_root, name), new VectorIndexOptions { InitialCapacity = 1024, MaxSearchParallelism = parallelism }, TimeProvider.System, NullLogger.Instance);
}
