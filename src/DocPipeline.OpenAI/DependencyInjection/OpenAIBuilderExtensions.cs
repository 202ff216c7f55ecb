using DocPipeline.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses a service speaking the OpenAI embeddings API as the embedder of a DocPipeline registration.</summary>
public static class OpenAIBuilderExtensions
{
    /// <summary>
    /// Embeds with a remote service that speaks the OpenAI embeddings API (OpenAI, Azure OpenAI, Ollama, vLLM, TEI),
    /// configured by the <c>DocPipeline:OpenAI</c> section (<see cref="OpenAIEmbeddingOptions"/>); the API key is read from
    /// the environment variable it names. Rate limits, oversized batches and passing faults are absorbed by the pipeline
    /// (see <c>DocPipeline:Embedding</c>). It replaces the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> registered so far.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseOpenAIEmbeddings(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OpenAIEmbeddingOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenAIEmbeddingOptions>, OpenAIEmbeddingOptionsSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAIEmbeddingOptions>, OpenAIEmbeddingOptionsValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>, OpenAIEmbeddingGenerator>());
        return builder;
    }

    /// <summary>Embeds with a service speaking the OpenAI embeddings API (see <see cref="UseOpenAIEmbeddings(IDocPipelineBuilder)"/>) and configures it.</summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="configure">Configures the options; runs after the <c>DocPipeline:OpenAI</c> section is bound, so code wins.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseOpenAIEmbeddings(this IDocPipelineBuilder builder, Action<OpenAIEmbeddingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.UseOpenAIEmbeddings();
        builder.Services.Configure(configure);
        return builder;
    }
}
