using DocPipeline.Registry;
using Xunit;

namespace DocPipeline.Specification.Tests.Registry;

/// <summary>
/// The behaviour every <see cref="IEmbeddingCache"/> must have. Implementations inherit this class and supply the
/// factory: the cache and the documents of the same registry, because embeddings are saved with staged chunks.
/// </summary>
public abstract class EmbeddingCacheSpecification : RegistrySpecificationBase
{
    /// <summary>Creates the registry under test, empty, using <see cref="RegistrySpecificationBase.Time"/>: its documents and its embedding cache over one storage.</summary>
    protected abstract (IDocumentRegistry Documents, IEmbeddingCache Cache) CreateEmbeddingCache();

    [Fact]
    public async Task GetEmbeddingsAsync_StoredWithStage_ReturnedForThatModelOnly()
    {
        var (registry, cache) = CreateEmbeddingCache();
        await registry.StageAsync(Version("doc-a", 1, "one") with
        {
            EmbeddingModel = Model,
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("one")] = new[] { 0.6f, 0.8f, 0f } },
        });

        var found = await cache.GetEmbeddingsAsync(Model, [TextHash("one"), TextHash("missing")]);
        var otherModel = await cache.GetEmbeddingsAsync("other:3", [TextHash("one")]);

        Assert.Equal([0.6f, 0.8f, 0f], Assert.Single(found).Value.ToArray());
        Assert.Empty(otherModel);
    }

    [Fact]
    public async Task GetEmbeddingsAsync_AppendedWithStagedChunks_Returned()
    {
        var (registry, cache) = CreateEmbeddingCache();
        await registry.StageAsync(Version("doc-a", 1, "one"));
        var more = Version("doc-a", 1, "two") with
        {
            EmbeddingModel = Model,
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("two")] = new float[] { 1, 2, 3 } },
        };

        await registry.AppendStagedChunksAsync(more with { Chunks = [more.Chunks[0] with { Ordinal = 1 }] });

        var embeddings = await cache.GetEmbeddingsAsync(Model, [TextHash("two")]);
        Assert.Equal([1f, 2f, 3f], embeddings[TextHash("two")].ToArray());
    }

    [Fact]
    public async Task PutEmbeddingsAsync_WithoutDocument_ReturnedAndReplacedByALaterPut()
    {
        var (_, cache) = CreateEmbeddingCache();

        await cache.PutEmbeddingsAsync(Model, new Dictionary<string, ReadOnlyMemory<float>>
        {
            [TextHash("one")] = new[] { 1f, 0f, 0f },
            [TextHash("two")] = new[] { 0f, 1f, 0f },
        });
        await cache.PutEmbeddingsAsync(Model, new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("two")] = new[] { 0f, 0f, 1f } });
        await cache.PutEmbeddingsAsync(Model, new Dictionary<string, ReadOnlyMemory<float>>());

        var found = await cache.GetEmbeddingsAsync(Model, [TextHash("one"), TextHash("two")]);
        Assert.Equal([1f, 0f, 0f], found[TextHash("one")].ToArray());
        Assert.Equal([0f, 0f, 1f], found[TextHash("two")].ToArray());
        Assert.Empty(await cache.GetEmbeddingsAsync("other:3", [TextHash("one")]));
    }

    [Fact]
    public async Task PurgeUnusedEmbeddingsAsync_RemovesOnlyEmbeddingsNoChunkUses()
    {
        var (registry, cache) = CreateEmbeddingCache();
        await Commit(registry, Version("doc-a", 1, "old text") with
        {
            EmbeddingModel = Model,
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("old text")] = new[] { 1f, 0f, 0f } },
        });
        await Commit(registry, Version("doc-a", 2, "new text") with
        {
            EmbeddingModel = Model,
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("new text")] = new[] { 0f, 1f, 0f } },
        });

        Assert.Equal(1, await cache.PurgeUnusedEmbeddingsAsync());

        var left = await cache.GetEmbeddingsAsync(Model, [TextHash("old text"), TextHash("new text")]);
        Assert.Equal(TextHash("new text"), Assert.Single(left).Key);
    }

    [Fact]
    public async Task PurgeUnusedEmbeddingsAsync_PutWithoutChunk_Removed()
    {
        var (_, cache) = CreateEmbeddingCache();
        await cache.PutEmbeddingsAsync(Model, new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("orphan")] = new[] { 1f, 0f, 0f } });

        Assert.Equal(1, await cache.PurgeUnusedEmbeddingsAsync());

        Assert.Empty(await cache.GetEmbeddingsAsync(Model, [TextHash("orphan")]));
    }
}
