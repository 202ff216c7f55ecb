using DocPipeline.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the local all-MiniLM-L6-v2 model as the embedder of a DocPipeline registration.</summary>
public static class MiniLmBuilderExtensions
{
    /// <summary>
    /// Embeds locally with sentence-transformers/all-MiniLM-L6-v2 (384 dimensions; the model ships in the package,
    /// nothing is downloaded). It replaces the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> registered so far.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseMiniLmEmbeddings(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMiniLmEmbeddingGenerator();
        builder.Services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>, MiniLmEmbeddingGenerator>());
        return builder;
    }

    /// <summary>Embeds locally with sentence-transformers/all-MiniLM-L6-v2 (see <see cref="UseMiniLmEmbeddings(IDocPipelineBuilder)"/>) and configures it.</summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseMiniLmEmbeddings(this IDocPipelineBuilder builder, Action<MiniLmEmbeddingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.UseMiniLmEmbeddings();
    }
}
