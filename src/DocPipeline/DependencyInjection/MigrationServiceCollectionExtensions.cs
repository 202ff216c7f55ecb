using DocPipeline.Migration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedder migration (called by <c>AddDocPipeline</c>).</summary>
internal static class MigrationServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IEmbedderMigration"/> and the vector generation selection it relies on.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The <see cref="IServiceCollection"/> so that additional calls can be chained.</returns>
    public static IServiceCollection AddDocPipelineMigration(this IServiceCollection services)
    {
        services.TryAddSingleton<VectorGenerationSelector>();

        // For vector index packages: the generation this process serves, read when first asked (see VectorGenerationSelector).
        services.TryAddKeyedSingleton<Func<string?>>(VectorGenerationSelector.ServiceKey, static (sp, _) => sp.GetRequiredService<VectorGenerationSelector>().Resolve);
        services.TryAddSingleton<IEmbedderMigration, EmbedderMigration>();
        return services;
    }
}
