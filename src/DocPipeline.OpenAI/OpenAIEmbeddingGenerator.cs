using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace DocPipeline.OpenAI;

/// <summary>
/// Microsoft.Extensions.AI's OpenAI embedding generator, set up from <see cref="OpenAIEmbeddingOptions"/>, with the
/// client's own retries turned off (the pipeline's shared rate-limit handling retries instead) and its failures turned
/// into <see cref="EmbeddingServiceException"/>s that carry the status, the wait the service asked for, and the
/// service's own message with any API key masked.
/// </summary>
internal sealed partial class OpenAIEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private const string Masked = "***";
    private readonly string? _apiKey;

    public OpenAIEmbeddingGenerator(IOptions<OpenAIEmbeddingOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), ReadKey(options.Value))
    {
    }

    private OpenAIEmbeddingGenerator(OpenAIEmbeddingOptions options, string? apiKey)
        : base(CreateInner(options, apiKey))
    {
        _apiKey = apiKey;
    }

    /// <inheritdoc/>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientResultException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>Turns the client's exception into one the pipeline classifies; the client's own (with the raw answer) is not kept, so nothing it echoed leaks.</summary>
    private EmbeddingServiceException Translate(ClientResultException exception)
    {
        var response = exception.GetRawResponse();
        if (exception.Status == 0 || response is null)
        {
            // No answer: the connection failed or timed out.
            return new EmbeddingServiceException(Mask(FirstLine(exception.InnerException?.Message ?? exception.Message)), EmbeddingFailureKind.Transient, null, null, null);
        }

        var (message, code) = ReadError(response);
        var text = Mask($"The embedding service answered {exception.Status} ({response.ReasonPhrase}): {message ?? FirstLine(exception.Message)}");
        if (exception.Status == 429 && code is "insufficient_quota")
        {
            // Out of credit, not rate limited: waiting will not help.
            return new EmbeddingServiceException(text, EmbeddingFailureKind.Permanent, 429, null, null);
        }

        return EmbeddingServiceException.FromHttpResponse(exception.Status, text, name => response.Headers.TryGetValue(name, out var value) ? value : null, null);
    }

    private string Mask(string text)
    {
        if (!string.IsNullOrEmpty(_apiKey))
        {
            text = text.Replace(_apiKey, Masked, StringComparison.Ordinal);
        }

        return SecretPattern().Replace(text, Masked);
    }

    private static (string? Message, string? Code) ReadError(PipelineResponse response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (error.GetString(), null);
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    return (message, code);
                }
            }

            return root.TryGetProperty("message", out var plain) && plain.ValueKind == JsonValueKind.String ? (plain.GetString(), null)
                : root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? (detail.GetString(), null)
                : (null, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            var raw = response.Content.ToString();
            return (raw.Length == 0 ? null : FirstLine(raw.Length > 300 ? raw[..300] : raw), null);
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static string? ReadKey(OpenAIEmbeddingOptions options) =>
        string.IsNullOrEmpty(options.ApiKeyVariable) ? null : Environment.GetEnvironmentVariable(options.ApiKeyVariable);

    private static IEmbeddingGenerator<string, Embedding<float>> CreateInner(OpenAIEmbeddingOptions options, string? apiKey)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            NetworkTimeout = options.NetworkTimeout,

            // The pipeline retries (and shares rate-limit pauses across calls); the client's own retries would hide 429s from it.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey), clientOptions);
        return client.GetEmbeddingClient(options.Model).AsIEmbeddingGenerator(options.Dimensions);
    }

    /// <summary>Secret-looking tokens a service may echo back (<c>sk-…</c> keys, bearer tokens).</summary>
    [GeneratedRegex(@"(sk-[A-Za-z0-9_\-*]{6,}|Bearer\s+\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();
}
