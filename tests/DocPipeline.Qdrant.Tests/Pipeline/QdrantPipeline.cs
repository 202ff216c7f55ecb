using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Qdrant.Emulator;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Qdrant.Tests.Pipeline;

/// <summary>A real pipeline (SQLite registry and queue, Lucene, hashing embedder) whose vector index is a collection of the emulator.</summary>
internal sealed class QdrantPipeline : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private QdrantPipeline(ServiceProvider provider, QdrantEmulator emulator, string collection)
    {
        _provider = provider;
        Emulator = emulator;
        Collection = collection;
    }

    public QdrantEmulator Emulator { get; }

    public string Collection { get; }

    public IDocPipeline Pipeline => _provider.GetRequiredService<IDocPipeline>();

    public static async Task<QdrantPipeline> CreateAsync(TestDirectory directory, Action<QdrantVectorIndexOptions>? qdrant = null, Action<DocPipelineOptions>? options = null)
    {
        var emulator = await QdrantTestServer.EmulatorAsync();
        var collection = QdrantTestServer.NewCollection();
        var services = new ServiceCollection();
        services.AddDocPipeline(o =>
            {
                o.DataDirectory = directory.File("data");
                o.Queue.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
                o.Queue.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
                o.Queue.PollInterval = TimeSpan.FromMilliseconds(20);
                options?.Invoke(o);
            })
            .UseHashingEmbeddings()
            .UseQdrant(o =>
            {
                o.Endpoint = emulator.Endpoint;
                o.CollectionName = collection;
                o.RetryDelay = TimeSpan.FromMilliseconds(10);
                qdrant?.Invoke(o);
            });
        return new QdrantPipeline(services.BuildServiceProvider(), emulator, collection);
    }

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public IEnumerable<T> Services<T>()
        where T : notnull => _provider.GetServices<T>();

    public Task<IngestResult> IngestAsync(params string[] sources) => Pipeline.IngestAsync(sources, new IngestOptions());

    /// <summary>Asserts that both indexes hold exactly the registry's committed version of every document, once.</summary>
    public async Task AssertIndexesMatchRegistryAsync()
    {
        var registry = Get<IDocumentRegistry>();
        var expected = new List<IndexEntry>();
        foreach (var document in await registry.ListAsync(new DocumentQuery { Limit = DocumentQuery.MaxLimit }))
        {
            expected.AddRange((await registry.GetChunksAsync(document.Id, document.Version)).Select(c => new IndexEntry(c.ChunkId, document.Id, c.Revision)));
        }

        foreach (ISearchIndex index in new ISearchIndex[] { Get<IVectorIndex>(), Get<IKeywordIndex>() })
        {
            var actual = new List<IndexEntry>();
            await foreach (var entry in index.ListEntriesAsync())
            {
                actual.Add(entry);
            }

            Assert.Equal(expected.OrderBy(e => e.ChunkId, StringComparer.Ordinal), actual.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
        }
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
