using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.OpenAI;

/// <summary>
/// Binds <see cref="OpenAIEmbeddingOptions"/> from the <c>DocPipeline:OpenAI</c> configuration section when the
/// container has an <see cref="IConfiguration"/>; code passed to <c>UseOpenAIEmbeddings</c> runs after it, so code wins.
/// Keys may be spelled PascalCase or snake_case (<c>openai.api_key_variable</c>, <c>DOCPIPELINE__OPENAI__API_KEY_VARIABLE</c>),
/// as everywhere in DocPipeline's configuration.
/// </summary>
internal sealed class OpenAIEmbeddingOptionsSetup(IServiceProvider services) : IConfigureOptions<OpenAIEmbeddingOptions>
{
    public void Configure(OpenAIEmbeddingOptions options)
    {
        if (services.GetService<IConfiguration>() is not { } configuration)
        {
            return;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("DocPipeline").GetChildren().Where(s => Plain(s.Key) == "OPENAI"))
        {
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    values[Plain(key)] = value;
                }
            }
        }

        new ConfigurationBuilder().AddInMemoryCollection(values).Build().Bind(options);
    }

    /// <summary>A key without underscores, upper-cased: binding ignores case, so <c>api_key_variable</c> binds <c>ApiKeyVariable</c>.</summary>
    private static string Plain(string key) => key.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
