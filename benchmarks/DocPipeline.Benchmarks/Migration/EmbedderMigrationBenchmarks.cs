using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DocPipeline.Benchmarks.Ingestion;
using DocPipeline.Ingestion;
using DocPipeline.Migration;
using DocPipeline.Onnx;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Benchmarks.Migration;

/// <summary>
/// Moving a data folder to the local MiniLM model: an embedder migration of a folder built with the hashing embedder
/// (<see cref="Migrate"/>: read the registry's chunks, embed them with MiniLM, write the new vector generation, catch
/// up, verify, switch) against a fresh ingest of the same documents with MiniLM (<see cref="FreshIngest"/>, the
/// baseline: read, extract, chunk, embed, write both indexes and the registry). Both embed the same chunks with the
/// same model instance, so the ratio is what the migration saves besides the model's own work.
/// <para>24 generated documents of about 5 KB. Each iteration gets its own copy of the hash-built folder (or an empty
/// one), made before the clock starts.</para>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class EmbedderMigrationBenchmarks
{
    public const int Documents = 24;

    private BenchmarkCorpus _corpus = null!;
    private MiniLmEmbeddingGenerator _generator = null!;
    private string _hashBuilt = null!;
    private string? _data;
    private ServiceProvider? _services;
    private long _chunks;
    private long _modelTicks;
    private long _runTicks;
    private string? _method;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = new BenchmarkCorpus(Documents);
        _generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingOptions().BatchSize);
        _generator.GenerateAsync(["warm up"]).GetAwaiter().GetResult();
        _hashBuilt = _corpus.NewDataFolder();
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _hashBuilt).UseHashingEmbeddings();
        using var provider = services.BuildServiceProvider();
        _chunks = provider.GetRequiredService<IDocPipeline>().IngestAsync([_corpus.Folder], new IngestOptions()).GetAwaiter().GetResult().ChunksEmbedded;
        Console.WriteLine($"// documents: {Documents}, chunks: {_chunks}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _generator.Dispose();
        _corpus.Dispose();
    }

    [IterationSetup(Target = nameof(FreshIngest))]
    public void OpenEmptyFolder() => Open(copyHashBuilt: false);

    [IterationSetup(Target = nameof(Migrate))]
    public void OpenHashBuiltCopy() => Open(copyHashBuilt: true);

    [IterationCleanup]
    public void DeleteFolder()
    {
        // The profile of the iteration: how much of it the model's own work was, and what the rest cost.
        var run = TimeSpan.FromTicks(Interlocked.Exchange(ref _runTicks, 0));
        var model = TimeSpan.FromTicks(Interlocked.Exchange(ref _modelTicks, 0));
        Console.WriteLine($"// profile {_method}: {run.TotalSeconds:0.00} s, in the model {model.TotalSeconds:0.00} s, the rest {(run - model).TotalSeconds:0.00} s");
        _services?.Dispose();
        Directory.Delete(_data!, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> FreshIngest()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await _services!.GetRequiredService<IDocPipeline>().IngestAsync([_corpus.Folder], new IngestOptions());
        (_method, _runTicks) = (nameof(FreshIngest), clock.Elapsed.Ticks);
        return Check(result.ChunksEmbedded);
    }

    [Benchmark]
    public async Task<long> Migrate()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = await _services!.GetRequiredService<IEmbedderMigration>().MigrateAsync(new Unowned(_generator, this), progress: null);
        (_method, _runTicks) = (nameof(Migrate), clock.Elapsed.Ticks);
        return Check(status.ChunksEmbedded);
    }

    private long Check(long embedded) =>
        embedded == _chunks ? embedded : throw new InvalidOperationException($"Embedded {embedded} chunks, expected {_chunks}.");

    private void Open(bool copyHashBuilt)
    {
        _data = _corpus.NewDataFolder();
        if (copyHashBuilt)
        {
            CopyFolder(_hashBuilt, _data);
        }

        var services = new ServiceCollection();
        var builder = services.AddDocPipeline(o => o.DataDirectory = _data);

        // The same warmed-up model instance for both: the migration takes it as its target, the ingest as its embedder.
        if (copyHashBuilt)
        {
            builder.UseHashingEmbeddings();
        }
        else
        {
            services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(new Unowned(_generator, this));
        }

        _services = services.BuildServiceProvider();
        _services.GetRequiredService<IDocPipeline>().GetQueueStatusAsync().GetAwaiter().GetResult();
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            if (!file.EndsWith(".lock", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }

        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    /// <summary>The shared model behind a generator the container may dispose; adds the time spent in it to the profile.</summary>
    private sealed class Unowned(MiniLmEmbeddingGenerator inner, EmbedderMigrationBenchmarks owner)
        : Microsoft.Extensions.AI.DelegatingEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>(inner)
    {
        public override async Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                return await base.GenerateAsync(values, options, cancellationToken);
            }
            finally
            {
                Interlocked.Add(ref owner._modelTicks, clock.Elapsed.Ticks);
            }
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
