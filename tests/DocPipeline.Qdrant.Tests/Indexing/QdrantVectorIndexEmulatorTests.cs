using DocPipeline.Indexing;
using DocPipeline.Qdrant.Indexing;
using DocPipeline.Specification.Tests.Indexing;

namespace DocPipeline.Qdrant.Tests.Indexing;

/// <summary>The vector index contract against the Qdrant emulator (a test double of the server, see QdrantEmulator).</summary>
public sealed class QdrantVectorIndexEmulatorTests : VectorIndexSpecification, IDisposable
{
    private readonly List<QdrantConnection> _connections = [];

    protected override IVectorIndex CreateIndex(string directory)
    {
        var emulator = QdrantTestServer.EmulatorAsync().GetAwaiter().GetResult();
        var connection = QdrantTestServer.Connect(QdrantTestServer.Options(emulator.Endpoint, QdrantTestServer.NewCollection()));
        _connections.Add(connection);
        return new QdrantVectorIndex(connection);
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}

/// <summary>The vector index contract against a real Qdrant at DOCPIPELINE_QDRANT_ENDPOINT; skipped with that reason otherwise.</summary>
public sealed class QdrantVectorIndexServerTests : VectorIndexSpecification, IDisposable
{
    private readonly List<(QdrantConnection Connection, string Collection)> _created = [];

    protected override IVectorIndex CreateIndex(string directory)
    {
        var collection = QdrantTestServer.NewCollection();
        var connection = QdrantTestServer.Connect(QdrantTestServer.Options(QdrantTestServer.RealEndpoint(), collection));
        _created.Add((connection, collection));
        return new QdrantVectorIndex(connection);
    }

    public void Dispose()
    {
        foreach (var (connection, collection) in _created)
        {
            connection.Client.DeleteCollectionAsync(collection).GetAwaiter().GetResult();
            connection.Dispose();
        }
    }
}
