using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Chooses the document registry (the source of truth every index is rebuilt from). A registry is one slot that fills
/// four contracts: <see cref="IDocumentRegistry"/>, <see cref="IEmbeddingCache"/>, <see cref="IRunGenerationStore"/> and
/// <see cref="ISettingsStore"/>, each resolved to the same instance.
/// </summary>
public static class RegistryBuilderExtensions
{
    /// <summary>Keeps the registry in memory. For tests only: everything is lost when the process ends.</summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseInMemoryDocumentRegistry(this IDocPipelineBuilder builder) =>
        builder.UseDocumentRegistry<InMemoryDocumentRegistry>();

    /// <summary>
    /// Uses your own registry implementation (it should pass <c>DocumentRegistrySpecification</c>,
    /// <c>EmbeddingCacheSpecification</c>, <c>RunGenerationStoreSpecification</c> and <c>SettingsStoreSpecification</c>).
    /// </summary>
    /// <typeparam name="TRegistry">The registry type, resolved as one singleton for all four contracts.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseDocumentRegistry<TRegistry>(this IDocPipelineBuilder builder)
        where TRegistry : class, IDocumentRegistry, IEmbeddingCache, IRunGenerationStore, ISettingsStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddDocumentRegistry<TRegistry>(builder.Services, replace: true);
        return builder;
    }

    /// <summary>Registers <typeparamref name="TRegistry"/> once and each registry contract to that instance.</summary>
    /// <param name="services">The services.</param>
    /// <param name="replace"><see langword="true"/> to replace the registry in place; <see langword="false"/> to add it only where none is registered.</param>
    internal static void AddDocumentRegistry<TRegistry>(IServiceCollection services, bool replace)
        where TRegistry : class, IDocumentRegistry, IEmbeddingCache, IRunGenerationStore, ISettingsStore
    {
        services.TryAddSingleton<TRegistry>();
        ServiceDescriptor[] contracts =
        [
            ServiceDescriptor.Singleton<IDocumentRegistry>(static sp => sp.GetRequiredService<TRegistry>()),
            ServiceDescriptor.Singleton<IEmbeddingCache>(static sp => sp.GetRequiredService<TRegistry>()),
            ServiceDescriptor.Singleton<IRunGenerationStore>(static sp => sp.GetRequiredService<TRegistry>()),
            ServiceDescriptor.Singleton<ISettingsStore>(static sp => sp.GetRequiredService<TRegistry>()),
        ];
        foreach (var contract in contracts)
        {
            if (replace)
            {
                services.Replace(contract);
            }
            else
            {
                services.TryAdd(contract);
            }
        }
    }
}
