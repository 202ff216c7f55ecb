using DocPipeline.Indexing;
using DocPipeline.Qdrant.Indexing;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using static DocPipeline.Specification.Tests.Indexing.VectorTestData;

namespace DocPipeline.Qdrant.Tests.Indexing;

/// <summary>Search results and scores match the embedded index on the same data.</summary>
public sealed class QdrantSearchParityTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task SearchAsync_FixedCorpus_SameTopKIdsAndScoresAsTheEmbeddedIndex()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings();
        await using var provider = services.BuildServiceProvider();
        var embedded = provider.GetRequiredService<IVectorIndex>();
        var emulator = await QdrantTestServer.EmulatorAsync();
        using var connection = QdrantTestServer.Connect(QdrantTestServer.Options(emulator.Endpoint, QdrantTestServer.NewCollection()));
        var qdrant = new QdrantVectorIndex(connection);
        var random = new Random(2024);
        var records = Enumerable.Range(0, 400).Select(i => Record($"c{i:D3}", $"d{i % 40}", RandomVector(random, 32), version: 1 + (i % 2))).ToList();
        await embedded.UpsertAsync(records);
        await qdrant.UpsertAsync(records);

        for (var q = 0; q < 25; q++)
        {
            var query = RandomVector(random, 32);

            var expected = await embedded.SearchAsync(query, 10);
            var actual = await qdrant.SearchAsync(query, 10);

            Assert.Equal(expected.Select(h => (h.ChunkId, h.DocumentId, h.Version)), actual.Select(h => (h.ChunkId, h.DocumentId, h.Version)));
            Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-5));
        }
    }

    public void Dispose() => _directory.Dispose();
}
