using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;

namespace DocPipeline.Benchmarks.Indexing;

/// <summary>
/// The Lucene keyword index on disk. Indexing: 10,000 chunks of about 1 KB, upserted in batches of 50 by 8 concurrent
/// writers into a fresh index, with group commit against one commit per upsert (the baseline). Times are per chunk
/// (<c>OperationsPerInvoke</c>), so chunks/s = 1 s / Mean. Search: one query of 2 or 5 words, top 10, over 100,000 chunks.
/// </summary>
/// <remarks>
/// The text is synthetic: words drawn from a 50,000-word vocabulary with a Zipf distribution, like natural
/// language, so posting lists have realistic lengths. Query words come from the middle of the distribution.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KeywordIndexBenchmarks
{
    private const int IndexedChunks = 10_000;
    private const int BatchSize = 50;
    private const int Writers = 8;
    private const int SearchedChunks = 100_000;
    private const int VocabularySize = 50_000;
    private const int ChunkChars = 1_000;
    private const int TopK = 10;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", "keyword-" + Guid.NewGuid().ToString("N"));
    private KeywordRecord[] _chunks = [];
    private LuceneKeywordIndex? _searchIndex;
    private string[] _twoWordQueries = [];
    private string[] _fiveWordQueries = [];
    private int _nextQuery;

    [GlobalSetup(Targets = [nameof(IndexWithCommitPerUpsert), nameof(IndexWithGroupCommit)])]
    public void SetUpIndexing() => _chunks = CreateChunks(IndexedChunks, seed: 1);

    [GlobalSetup(Targets = [nameof(SearchTwoWords), nameof(SearchFiveWords)])]
    public void SetUpSearch()
    {
        _searchIndex = Open(groupCommit: true);
        var chunks = CreateChunks(SearchedChunks, seed: 2);
        var next = -1;
        Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            const int loadBatch = 500;
            int batch;
            while ((batch = Interlocked.Increment(ref next)) * loadBatch < chunks.Length)
            {
                await _searchIndex.UpsertAsync(new ArraySegment<KeywordRecord>(chunks, batch * loadBatch, Math.Min(loadBatch, chunks.Length - (batch * loadBatch))));
            }
        }))).GetAwaiter().GetResult();

        var vocabulary = CreateVocabulary();
        var random = new Random(3);
        string Query(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[random.Next(100, 5_000)]));
        _twoWordQueries = Enumerable.Range(0, 256).Select(_ => Query(2)).ToArray();
        _fiveWordQueries = Enumerable.Range(0, 256).Select(_ => Query(5)).ToArray();
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _searchIndex?.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = IndexedChunks)]
    [BenchmarkCategory("Index 10k chunks, 8 writers")]
    public Task IndexWithCommitPerUpsert() => IndexAsync(groupCommit: false);

    [Benchmark(OperationsPerInvoke = IndexedChunks)]
    [BenchmarkCategory("Index 10k chunks, 8 writers")]
    public Task IndexWithGroupCommit() => IndexAsync(groupCommit: true);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Search 100k chunks")]
    public Task<IReadOnlyList<IndexHit>> SearchTwoWords() => _searchIndex!.SearchAsync(_twoWordQueries[_nextQuery++ & 255], TopK);

    [Benchmark]
    [BenchmarkCategory("Search 100k chunks")]
    public Task<IReadOnlyList<IndexHit>> SearchFiveWords() => _searchIndex!.SearchAsync(_fiveWordQueries[_nextQuery++ & 255], TopK);

    private async Task IndexAsync(bool groupCommit)
    {
        using var index = Open(groupCommit);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) * BatchSize < _chunks.Length)
            {
                await index.UpsertAsync(new ArraySegment<KeywordRecord>(_chunks, batch * BatchSize, BatchSize));
            }
        })));
    }

    private LuceneKeywordIndex Open(bool groupCommit) => new(
        new LuceneKeywordIndexSettings(Path.Combine(_root, Guid.NewGuid().ToString("N")), TimeSpan.FromSeconds(1), 64) { GroupCommit = groupCommit },
        TimeProvider.System);

    private static KeywordRecord[] CreateChunks(int count, int seed)
    {
        var vocabulary = CreateVocabulary();

        // Zipf: the word of rank r is drawn with weight 1/r.
        var cumulative = new double[vocabulary.Length];
        var total = 0.0;
        for (var rank = 0; rank < vocabulary.Length; rank++)
        {
            total += 1.0 / (rank + 1);
            cumulative[rank] = total;
        }

        var random = new Random(seed);
        var text = new StringBuilder(ChunkChars + 32);
        var chunks = new KeywordRecord[count];
        for (var i = 0; i < count; i++)
        {
            text.Clear();
            while (text.Length < ChunkChars)
            {
                var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
                text.Append(vocabulary[index < 0 ? ~index : index]).Append(' ');
            }

            chunks[i] = new KeywordRecord { ChunkId = $"doc{i / 20}#{i % 20}", DocumentId = $"doc{i / 20}", Version = 1, Text = text.ToString() };
        }

        return chunks;
    }

    /// <summary>Pronounceable made-up words, the same for every seed, so queries hit the corpus.</summary>
    private static string[] CreateVocabulary()
    {
        string[] syllables = ["ka", "lo", "mi", "ren", "tor", "sa", "vel", "qui", "dra", "mon", "pe", "lis", "gar", "nu", "bex", "ta", "fo", "rin", "shu", "zel"];
        var random = new Random(0);
        var words = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        while (words.Count < VocabularySize)
        {
            word.Clear();
            var length = random.Next(2, 5);
            for (var s = 0; s < length; s++)
            {
                word.Append(syllables[random.Next(syllables.Length)]);
            }

            words.Add(word.ToString());
        }

        return [.. words];
    }
}
