using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.OpenAI;

/// <summary>
/// Binds <see cref="OpenAIEmbeddingOptions"/> from the <c>DocPipeline:OpenAI</c> configuration section when the
/// container has an <see cref="IConfiguration"/>; code passed to <c>UseOpenAIEmbeddings</c> runs after it, so code wins.
/// </summary>
internal sealed class OpenAIEmbeddingOptionsSetup(IServiceProvider services) : IConfigureOptions<OpenAIEmbeddingOptions>
{
    public void Configure(OpenAIEmbeddingOptions options) =>
        services.GetService<IConfiguration>()?.GetSection(OpenAIEmbeddingOptions.SectionName).Bind(options);
}
