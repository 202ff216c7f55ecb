using DocPipeline.Configuration;
using DocPipeline.Ingestion;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Ingestion;

/// <summary>A real pipeline on the embedded defaults (SQLite, Lucene, the on-disk vector index) in a temp folder, with a counting embedder.</summary>
internal sealed class TestPipeline : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public TestPipeline(TestDirectory directory, Action<IDocPipelineBuilder>? configure = null, Action<DocPipelineOptions>? options = null, CountingEmbeddingGenerator? embedder = null)
    {
        Directory = directory;
        Embedder = embedder ?? new CountingEmbeddingGenerator();
        var services = new ServiceCollection();
        var builder = services.AddDocPipeline(o =>
        {
            o.DataDirectory = directory.File("data");
            o.Queue.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            o.Queue.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            o.Queue.PollInterval = TimeSpan.FromMilliseconds(20);
            options?.Invoke(o);
        });
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(Embedder);
        configure?.Invoke(builder);
        _provider = services.BuildServiceProvider();
    }

    public TestDirectory Directory { get; }

    public CountingEmbeddingGenerator Embedder { get; }

    public IServiceProvider Services => _provider;

    public IDocPipeline Pipeline => _provider.GetRequiredService<IDocPipeline>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public Task<IngestResult> IngestAsync(params string[] sources) => Pipeline.IngestAsync(sources, new IngestOptions());

    public Task<IngestResult> IngestAsync(IngestOptions options, params string[] sources) => Pipeline.IngestAsync(sources, options);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
