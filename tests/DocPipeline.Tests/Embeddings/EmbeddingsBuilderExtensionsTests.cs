using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Embeddings;

public sealed class EmbeddingsBuilderExtensionsTests
{
    [Fact]
    public async Task UseHashingEmbeddings_Dimensions_RegistersTheHashingGeneratorBehindTheBatcher()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().UseHashingEmbeddings(96);
        using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var batched = await provider.GetRequiredService<BatchingEmbeddingGenerator>().GenerateAsync(["a b", "c"]);

        Assert.IsType<HashingEmbeddingGenerator>(generator);
        Assert.Equal(96, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Assert.Equal(2, batched.Count);
        Assert.All(batched, embedding => Assert.Equal(96, embedding.Vector.Length));
    }

    [Fact]
    public void UseHashingEmbeddings_AfterAnotherGenerator_LastCallWins()
    {
        using var other = new GatedEmbeddingGenerator();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(other);
        services.AddDocPipeline().UseHashingEmbeddings();
        using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.Equal(384, Assert.IsType<HashingEmbeddingGenerator>(generator).Metadata.DefaultModelDimensions);
    }
}
