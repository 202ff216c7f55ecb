using DocPipeline.Qdrant.Emulator;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Tests.Emulator;

/// <summary>Pins the behaviours of the emulator that the backend depends on, as Qdrant documents them, through the real client.</summary>
public sealed class QdrantEmulatorTests : IAsyncLifetime
{
    private readonly string _collection = QdrantTestServer.NewCollection();
    private QdrantClient _client = null!;

    public async Task InitializeAsync()
    {
        var emulator = await QdrantTestServer.EmulatorAsync();
        _client = new QdrantClient(emulator.Endpoint);
        await _client.CreateCollectionAsync(_collection, new VectorParams { Size = 2, Distance = Distance.Cosine });
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Upsert_IdNeitherUuidNorInteger_IsRejected()
    {
        var point = new PointStruct { Id = new PointId { Uuid = "chunk-1" }, Vectors = new[] { 1f, 0f } };

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.UpsertAsync(_collection, [point]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Unable to parse UUID: chunk-1", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0ul, await _client.CountAsync(_collection, exact: true));
    }

    [Fact]
    public async Task Upsert_CosineCollection_StoresTheNormalizedVector()
    {
        await _client.UpsertAsync(_collection, [new PointStruct { Id = 7ul, Vectors = new[] { 3f, 4f } }]);

        var point = Assert.Single((await _client.ScrollAsync(_collection, vectorsSelector: true)).Result);

        Assert.Equal([0.6f, 0.8f], point.Vectors.Vector.Dense.Data.ToArray());
    }

    [Fact]
    public async Task CreateCollection_SecondTime_AnswersAlreadyExists()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateCollectionAsync(_collection, new VectorParams { Size = 2, Distance = Distance.Cosine }));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
    }

    [Fact]
    public async Task Scroll_PagesWithNextPageOffset_VisitsEveryPointOnce()
    {
        await _client.UpsertAsync(_collection, Enumerable.Range(0, 25).Select(i => new PointStruct { Id = Guid.NewGuid(), Vectors = new[] { 1f, i } }).ToList());
        var seen = new List<string>();
        var pages = new List<int>();
        PointId? offset = null;

        do
        {
            var page = await _client.ScrollAsync(_collection, limit: 10, offset: offset);
            pages.Add(page.Result.Count);
            seen.AddRange(page.Result.Select(p => p.Id.Uuid));
            offset = page.NextPageOffset;
        }
        while (offset is not null);

        Assert.Equal([10, 10, 5], pages);
        Assert.Equal(25, seen.Distinct().Count());
    }

    [Fact]
    public async Task Filters_KeywordAndIntegerPayloads_MatchAsQdrant()
    {
        await _client.CreatePayloadIndexAsync(_collection, "doc_id", PayloadSchemaType.Keyword);
        await _client.CreatePayloadIndexAsync(_collection, "version", PayloadSchemaType.Integer);
        await _client.UpsertAsync(_collection, Enumerable.Range(0, 12).Select(i => new PointStruct
        {
            Id = (ulong)i,
            Vectors = new[] { 1f, i },
            Payload = { ["doc_id"] = $"d{i % 3}", ["version"] = (long)(i % 4) },
        }).ToList());

        Assert.Equal(4ul, await _client.CountAsync(_collection, Conditions.MatchKeyword("doc_id", "d1"), exact: true));
        Assert.Equal(8ul, await _client.CountAsync(_collection, Conditions.Match("doc_id", ["d0", "d2"]), exact: true));
        Assert.Equal(3ul, await _client.CountAsync(_collection, Conditions.Match("version", 2), exact: true));
        Assert.Equal(6ul, await _client.CountAsync(_collection, Conditions.Range("version", new global::Qdrant.Client.Grpc.Range { Gte = 2 }), exact: true));
        Assert.Equal(1ul, await _client.CountAsync(_collection, Conditions.MatchKeyword("doc_id", "d1") & Conditions.Match("version", 1), exact: true));
        Assert.Equal(8ul, await _client.CountAsync(_collection, !Conditions.MatchKeyword("doc_id", "d1"), exact: true));

        await _client.DeleteAsync(_collection, Conditions.MatchKeyword("doc_id", "d1"));

        Assert.Equal(8ul, await _client.CountAsync(_collection, exact: true));
        Assert.Equal(8ul, await _client.CountAsync(_collection, exact: false));
    }

    [Fact]
    public async Task Filter_FieldWithoutPayloadIndex_IsRejectedInStrictMode()
    {
        await _client.UpsertAsync(_collection, [new PointStruct { Id = 1ul, Vectors = new[] { 1f, 0f }, Payload = { ["tag"] = "x" } }]);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CountAsync(_collection, Conditions.MatchKeyword("tag", "x"), exact: true));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Index required but not found", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_AreCountedPerCollectionAndMethod()
    {
        var emulator = await QdrantTestServer.EmulatorAsync();

        await _client.CountAsync(_collection);
        await _client.CountAsync(_collection);

        Assert.Equal(2, emulator.Calls(_collection, "Points/Count"));
        Assert.Equal(0, emulator.Calls(_collection, "Points/Upsert"));
    }
}
