using DocPipeline.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the local all-MiniLM-L6-v2 embedding generator.</summary>
public static class MiniLmServiceCollectionExtensions
{
    /// <summary>
    /// Registers a local sentence-transformers/all-MiniLM-L6-v2 generator (384 dimensions, L2-normalized, model shipped
    /// in the package, loaded on first use) as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings,
    /// unless one is registered already.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The <see cref="IServiceCollection"/> so that additional calls can be chained.</returns>
    public static IServiceCollection AddMiniLmEmbeddingGenerator(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MiniLmEmbeddingOptions>()
            .Validate(
                static options => options.BatchSize is >= MiniLmEmbeddingOptions.MinBatchSize and <= MiniLmEmbeddingOptions.MaxBatchSize,
                $"MiniLmEmbeddingOptions.BatchSize must be between {MiniLmEmbeddingOptions.MinBatchSize} and {MiniLmEmbeddingOptions.MaxBatchSize}.")
            .ValidateOnStart();
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>, MiniLmEmbeddingGenerator>();
        return services;
    }

    /// <summary>
    /// Registers a local sentence-transformers/all-MiniLM-L6-v2 generator (see <see cref="AddMiniLmEmbeddingGenerator(IServiceCollection)"/>)
    /// and configures it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The <see cref="IServiceCollection"/> so that additional calls can be chained.</returns>
    public static IServiceCollection AddMiniLmEmbeddingGenerator(this IServiceCollection services, Action<MiniLmEmbeddingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddMiniLmEmbeddingGenerator();
    }
}
