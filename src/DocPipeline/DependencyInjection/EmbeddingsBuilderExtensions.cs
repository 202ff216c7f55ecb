using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the embedding generator of a DocPipeline registration.</summary>
public static class EmbeddingsBuilderExtensions
{
    /// <summary>
    /// Embeds with a fast, deterministic generator that is NOT semantic (feature hashing of lower-cased words and
    /// word pairs into 384 dimensions, model id <c>docpipeline-hashing-v1</c>): for tests, benchmarks and offline demos.
    /// It replaces the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> registered so far.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseHashingEmbeddings(this IDocPipelineBuilder builder) =>
        builder.UseHashingEmbeddings(HashingEmbeddingGenerator.DefaultDimensions);

    /// <summary>
    /// Embeds with a fast, deterministic generator that is NOT semantic (feature hashing of lower-cased words and
    /// word pairs, model id <c>docpipeline-hashing-v1</c>): for tests, benchmarks and offline demos. It replaces the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> registered so far.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="dimensions">The number of dimensions of every vector, at least 1.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseHashingEmbeddings(this IDocPipelineBuilder builder, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        builder.Services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashingEmbeddingGenerator(dimensions)));
        return builder;
    }
}
