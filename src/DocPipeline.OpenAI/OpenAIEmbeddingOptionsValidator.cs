using Microsoft.Extensions.Options;

namespace DocPipeline.OpenAI;

/// <summary>Checks <see cref="OpenAIEmbeddingOptions"/>; every message names the key (<c>DocPipeline:OpenAI:…</c>) and never shows the API key.</summary>
internal sealed class OpenAIEmbeddingOptionsValidator : IValidateOptions<OpenAIEmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenAIEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        const string Prefix = OpenAIEmbeddingOptions.SectionName;
        if (options.Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.AddError($"{Prefix}:Endpoint must be an absolute http or https address, such as https://api.openai.com/v1 (was '{options.Endpoint}').");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.AddError($"{Prefix}:Model is required: the embedding model to call, such as text-embedding-3-small.");
        }

        if (options.Dimensions is < 1 or > 65536)
        {
            errors.AddError($"{Prefix}:Dimensions must be between 1 and 65536, or unset to take the model's own size (was {options.Dimensions}).");
        }

        if (options.NetworkTimeout < TimeSpan.FromSeconds(1) || options.NetworkTimeout > TimeSpan.FromHours(1))
        {
            errors.AddError($"{Prefix}:NetworkTimeout must be between 00:00:01 and 01:00:00 (was {options.NetworkTimeout}).");
        }

        if (!string.IsNullOrEmpty(options.ApiKeyVariable) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(options.ApiKeyVariable)))
        {
            errors.AddError(
                $"The environment variable {options.ApiKeyVariable} (named by {Prefix}:ApiKeyVariable) holds no API key. Set it, " +
                $"or set {Prefix}:ApiKeyVariable to another variable, or to an empty value for a service that needs no key.");
        }

        return errors.Build();
    }
}
