using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Replaces the vector index slot of a DocPipeline registration.</summary>
public static class VectorIndexBuilderExtensions
{
    /// <summary>
    /// Uses the embedded on-disk vector index (the default of <c>AddDocPipeline()</c>) and configures it: exact cosine
    /// search over vectors kept in <see cref="VectorIndexOptions.Path"/>.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="configure">Configures the index options; runs after configuration binding, so code wins.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseEmbeddedVectorIndex(this IDocPipelineBuilder builder, Action<VectorIndexOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<DocPipelineOptions>(options => configure(options.VectorIndex));
        return builder.UseVectorIndex<EmbeddedVectorIndex>();
    }

    /// <summary>
    /// Uses a vector index that lives in memory and is lost when the process ends. For tests and demos: nothing is
    /// written to disk, so every restart starts with an empty index.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseInMemoryVectorIndex(this IDocPipelineBuilder builder) =>
        builder.UseVectorIndex<InMemoryVectorIndex>();

    /// <summary>Uses <typeparamref name="TIndex"/> as the vector index (a singleton created by the container). The last <c>Use…VectorIndex</c> call wins.</summary>
    /// <typeparam name="TIndex">The vector index implementation.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseVectorIndex<TIndex>(this IDocPipelineBuilder builder)
        where TIndex : class, IVectorIndex
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IVectorIndex, TIndex>());
        return builder;
    }
}
