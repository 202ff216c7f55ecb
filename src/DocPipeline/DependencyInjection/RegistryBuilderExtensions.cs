using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the document registry (the source of truth every index is rebuilt from).</summary>
public static class RegistryBuilderExtensions
{
    /// <summary>Keeps the registry in memory. For tests only: everything is lost when the process ends.</summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseInMemoryDocumentRegistry(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDocumentRegistry, InMemoryDocumentRegistry>());
        return builder;
    }

    /// <summary>Uses your own registry implementation (it should pass <c>DocumentRegistrySpecification</c>).</summary>
    /// <typeparam name="TRegistry">The registry type, resolved as a singleton.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseDocumentRegistry<TRegistry>(this IDocPipelineBuilder builder)
        where TRegistry : class, IDocumentRegistry
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDocumentRegistry, TRegistry>());
        return builder;
    }
}
