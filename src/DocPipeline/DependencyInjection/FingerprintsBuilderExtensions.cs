using DocPipeline.Fingerprints;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Builder verbs for the fingerprint store slot.</summary>
public static class FingerprintsBuilderExtensions
{
    /// <summary>
    /// Replaces the fingerprint store with a volatile in-memory one: every fingerprint is lost when the process ends,
    /// so the next run reprocesses every source. Meant for tests and throw-away runs.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseInMemoryFingerprintStore(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFingerprintStore, InMemoryFingerprintStore>());
        return builder;
    }

    /// <summary>Replaces the fingerprint store with <typeparamref name="TStore"/>, resolved as a singleton from the container.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseFingerprintStore<TStore>(this IDocPipelineBuilder builder)
        where TStore : class, IFingerprintStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFingerprintStore, TStore>());
        return builder;
    }
}
