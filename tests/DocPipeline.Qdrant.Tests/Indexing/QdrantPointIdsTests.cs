using DocPipeline.Qdrant.Indexing;

namespace DocPipeline.Qdrant.Tests.Indexing;

public sealed class QdrantPointIdsTests
{
    private static readonly Guid Dns = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    private static readonly Guid Url = new("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    // Expected values from Python's uuid.uuid5, an independent implementation of RFC 9562 version 5.
    [Theory]
    [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d")]
    [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2")]
    [InlineData("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://www.python.org", "30709ed8-a35e-547c-8ef0-c6bf5e229681")]
    [InlineData("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "urn:docpipeline:chunk", "7b1bffaa-cd74-56c7-9bac-3791c20912f8")]
    public void NameBased_KnownVectors_MatchAnIndependentImplementation(string namespaceId, string name, string expected)
    {
        Assert.Equal(new Guid(expected), QdrantPointIds.NameBased(new Guid(namespaceId), name));
    }

    [Theory]
    [InlineData("doc-1#0#abc", "10c9eb97-75ba-5f12-a0fe-31454f79b7f7")]
    [InlineData("a", "d3f83c6f-2af8-52c3-b0a4-54fe9b3feadd")]
    [InlineData("", "cbb99616-c595-57ac-9b14-d91d6b7ec29c")]
    [InlineData("c0", "4e4e8d0a-2afe-56c5-be05-a4a3e1df701c")]
    [InlineData("héllo/wörld.txt#12", "c521993b-1eee-5f42-8f0e-afab074e0f2c")]
    public void ForChunk_KnownChunkIds_AreVersion5UuidsInTheChunkNamespace(string chunkId, string expected)
    {
        var id = QdrantPointIds.ForChunk(chunkId);

        Assert.Equal(new Guid(expected), id);
        Assert.Equal(5, id.Version);
        Assert.Equal('5', id.ToString("D")[14]);
        Assert.Contains(id.ToString("D")[19], "89ab");
    }

    [Fact]
    public void ChunkNamespace_IsTheVersion5UuidOfItsUrl()
    {
        Assert.Equal(QdrantPointIds.NameBased(Url, "urn:docpipeline:chunk"), QdrantPointIds.ChunkNamespace);
        Assert.NotEqual(QdrantPointIds.NameBased(Dns, "a"), QdrantPointIds.ForChunk("a"));
    }
}
