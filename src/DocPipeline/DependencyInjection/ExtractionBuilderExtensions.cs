using DocPipeline.Extraction;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds document extractors to a DocPipeline registration.</summary>
public static class ExtractionBuilderExtensions
{
    /// <summary>
    /// Adds an extractor, resolved from the container as a singleton. For a file extension or media type that several
    /// extractors list, the one added last wins, so an extractor added here overrides a built-in one (plain text,
    /// Markdown, HTML, PDF, DOCX) for the extensions it lists, and reads new ones. Adding the same type again changes
    /// nothing.
    /// </summary>
    /// <typeparam name="TExtractor">The extractor type. It must be safe to call concurrently.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder AddExtractor<TExtractor>(this IDocPipelineBuilder builder)
        where TExtractor : class, IDocumentExtractor
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, TExtractor>());
        return builder;
    }

    /// <summary>
    /// Adds an extractor instance. For a file extension or media type that several extractors list, the one added
    /// last wins (see <see cref="AddExtractor{TExtractor}(IDocPipelineBuilder)"/>); adding a second instance of the
    /// same type changes nothing.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="extractor">The extractor. It must be safe to call concurrently.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder AddExtractor(this IDocPipelineBuilder builder, IDocumentExtractor extractor)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(extractor);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton(extractor));
        return builder;
    }
}
