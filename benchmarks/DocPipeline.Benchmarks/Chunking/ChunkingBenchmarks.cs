using System.Text;
using BenchmarkDotNet.Attributes;
using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Benchmarks.Chunking;

/// <summary>
/// Chunker throughput on 1,000 documents of about 5 KB (prose paragraphs, some code and lists), default options.
/// The baseline only counts every document's tokens once: the floor the chunker cannot beat.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class ChunkingBenchmarks
{
    private static readonly string[] Words =
    [
        "the", "pipeline", "keeps", "indexes", "in", "step", "with", "documents", "that", "change", "often", "and",
        "every", "edit", "re-embeds", "only", "what", "changed", "a", "chunk", "is", "sized", "for", "embedder",
        "vector", "keyword", "search", "returns", "ranked", "hits", "from", "both", "jobs", "run", "through",
        "durable", "queue", "so", "crash", "loses", "nothing", "fingerprints", "skip", "unchanged", "files",
        "naïve", "café", "internationalization", "e.g.", "3.14", "42", "(see", "below)", "don't", "C#", ".NET",
    ];

    private ExtractedDocument[] _documents = [];
    private Tokenizer _tokenizer = null!;
    private TokenAwareChunker _chunker = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = BertUncasedTokenizer.Create();
        _chunker = new TokenAwareChunker(_tokenizer, new ChunkingOptions());
        var random = new Random(42);
        _documents = Enumerable.Range(0, 1000).Select(_ => new ExtractedDocument { Sections = [new ExtractedSection(Document(random), null)] }).ToArray();
        var characters = _documents.Sum(d => d.Sections[0].Text.Length);
        var chunks = _documents.Sum(d => _chunker.Chunk(d).Count);
        Console.WriteLine($"// documents: {_documents.Length}, characters: {characters}, chunks: {chunks}, tokens: {_documents.Sum(d => _tokenizer.CountTokens(d.Sections[0].Text))}");
    }

    [Benchmark(Baseline = true)]
    public int CountTokensOnce()
    {
        var tokens = 0;
        foreach (var document in _documents)
        {
            tokens += _tokenizer.CountTokens(document.Sections[0].Text);
        }

        return tokens;
    }

    [Benchmark]
    public int ChunkAll()
    {
        var chunks = 0;
        foreach (var document in _documents)
        {
            chunks += _chunker.Chunk(document).Count;
        }

        return chunks;
    }

    internal static string Document(Random random)
    {
        var builder = new StringBuilder();
        while (builder.Length < 5000)
        {
            if (builder.Length > 0)
            {
                builder.Append("\n\n");
            }

            switch (random.Next(10))
            {
                case 0:
                    for (var line = random.Next(3, 12); line > 0; line--)
                    {
                        builder.Append("    var x").Append(line).Append(" = Compute(value, ").Append(random.Next(100)).Append(");\n");
                    }

                    break;
                case 1:
                    for (var item = random.Next(2, 6); item > 0; item--)
                    {
                        builder.Append("- ").Append(Sentence(random, 4, 12)).Append('\n');
                    }

                    break;
                default:
                    for (var sentence = random.Next(1, 6); sentence > 0; sentence--)
                    {
                        builder.Append(Sentence(random, 5, 30)).Append(' ');
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    private static string Sentence(Random random, int min, int max)
    {
        var words = Enumerable.Range(0, random.Next(min, max)).Select(_ => Words[random.Next(Words.Length)]);
        return string.Join(' ', words) + ".";
    }
}
