using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using DocPipeline.Qdrant;
using DocPipeline.Qdrant.Indexing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Moves DocPipeline's vector index to a Qdrant collection, which every worker process of a deployment shares.</summary>
public static class QdrantBuilderExtensions
{
    /// <summary>
    /// Replaces the vector index with a Qdrant collection configured from the <c>DocPipeline:Qdrant</c> configuration
    /// section. The collection and its payload indexes are created on first use when missing.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseQdrant(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<QdrantVectorIndexOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<QdrantVectorIndexOptions>, QdrantVectorIndexOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QdrantVectorIndexOptions>, QdrantVectorIndexOptionsValidator>());
        services.TryAddSingleton<QdrantConnection>();
        if (!services.Any(d => d.ServiceType == typeof(QdrantVectorIndexParts)))
        {
            services.AddSingleton<QdrantVectorIndexParts>();
            services.AddSingleton<IStoreBackup>(sp => sp.GetRequiredService<QdrantVectorIndexParts>());
            services.AddSingleton<IStoreIntegrity>(sp => sp.GetRequiredService<QdrantVectorIndexParts>());
            services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<QdrantVectorIndexParts>());
        }

        return builder.UseVectorIndex<QdrantVectorIndex>();
    }

    /// <summary>
    /// Replaces the vector index with a Qdrant collection (see <see cref="UseQdrant(IDocPipelineBuilder)"/>) and
    /// configures it in code.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="configure">Configures the options; runs after configuration binding, so code wins.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseQdrant(this IDocPipelineBuilder builder, Action<QdrantVectorIndexOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.UseQdrant();
        builder.Services.Configure(configure);
        return builder;
    }
}
