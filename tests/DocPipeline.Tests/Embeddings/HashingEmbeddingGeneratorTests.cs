using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;

namespace DocPipeline.Tests.Embeddings;

public sealed class HashingEmbeddingGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_SameText_SameVectorAcrossInstances()
    {
        using var first = new HashingEmbeddingGenerator(384);
        using var second = new HashingEmbeddingGenerator(384);

        var a = await first.GenerateVectorAsync("The pipeline keeps indexes in step.");
        var b = await second.GenerateVectorAsync("The pipeline keeps indexes in step.");

        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   !!! ")]
    [InlineData("one")]
    [InlineData("A longer text, with punctuation; and MIXED case words.")]
    [InlineData("中文字符 😀 naïve")]
    public async Task GenerateAsync_AnyText_UnitLengthVectorOfTheConfiguredSize(string text)
    {
        using var generator = new HashingEmbeddingGenerator(128);

        var vector = await generator.GenerateVectorAsync(text);

        Assert.Equal(128, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.ToArray().Sum(x => (double)x * x)), 5);
    }

    [Fact]
    public async Task GenerateAsync_CaseAndPunctuation_Ignored()
    {
        using var generator = new HashingEmbeddingGenerator(384);

        var a = await generator.GenerateVectorAsync("Hello, World!");
        var b = await generator.GenerateVectorAsync("hello world");

        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_SharedWords_MoreSimilarThanUnrelated()
    {
        using var generator = new HashingEmbeddingGenerator(384);

        var embeddings = await generator.GenerateAsync(["the durable job queue resumes after a crash", "after a crash the durable queue resumes", "bananas are yellow fruit"]);

        var related = Cosine(embeddings[0].Vector, embeddings[1].Vector);
        var unrelated = Cosine(embeddings[0].Vector, embeddings[2].Vector);
        Assert.True(related > 0.5 && unrelated < 0.3, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public async Task GenerateAsync_Embeddings_CarryModelIdAndMetadata()
    {
        using var generator = new HashingEmbeddingGenerator(64);

        var embeddings = await generator.GenerateAsync(["a", "b", "c"]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, embedding => Assert.Equal("docpipeline-hashing-v1", embedding.ModelId));
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("docpipeline-hashing-v1", metadata.DefaultModelId);
        Assert.Equal(64, metadata.DefaultModelDimensions);
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensionsRequested_Throws()
    {
        using var generator = new HashingEmbeddingGenerator(64);

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 32 }));
    }

    internal static double Cosine(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a.Span, b.Span);
}
