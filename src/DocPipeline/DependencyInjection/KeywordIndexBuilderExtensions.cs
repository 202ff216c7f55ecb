using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the keyword index of a DocPipeline registration.</summary>
public static class KeywordIndexBuilderExtensions
{
    /// <summary>
    /// Replaces the keyword index with an in-memory Lucene index: the same engine as the default (English analyzer,
    /// BM25), but nothing survives the process. Meant for tests and demos.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseInMemoryKeywordIndex(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IKeywordIndex>(LuceneKeywordIndex.CreateInMemory));
        return builder;
    }

    /// <summary>Replaces the keyword index with <typeparamref name="TIndex"/>, created by the container as a singleton.</summary>
    /// <typeparam name="TIndex">The keyword index implementation.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <see cref="IDocPipelineBuilder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseKeywordIndex<TIndex>(this IDocPipelineBuilder builder)
        where TIndex : class, IKeywordIndex
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IKeywordIndex, TIndex>());
        return builder;
    }
}
