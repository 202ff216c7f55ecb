using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.Qdrant;

/// <summary>
/// Validates <see cref="QdrantVectorIndexOptions"/>: the data annotations, and an absolute <c>http</c> or <c>https</c>
/// endpoint. Each failure names its key (<c>DocPipeline:Qdrant:…</c>).
/// </summary>
internal sealed class QdrantVectorIndexOptionsValidator : IValidateOptions<QdrantVectorIndexOptions>
{
    public ValidateOptionsResult Validate(string? name, QdrantVectorIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new ValidateOptionsResultBuilder();
        OptionsAnnotations.Validate(options, QdrantVectorIndexOptions.SectionName, failures);
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.AddError(
                $"{QdrantVectorIndexOptions.SectionName}:Endpoint must be an absolute http or https address of the gRPC port, for example http://localhost:6334 (was '{endpoint}').");
        }

        if (options.CertificateThumbprint is not null && options.Endpoint?.Scheme != "https")
        {
            failures.AddError($"{QdrantVectorIndexOptions.SectionName}:CertificateThumbprint needs an https Endpoint.");
        }

        return failures.Build();
    }
}
