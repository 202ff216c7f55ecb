namespace DocPipeline.OpenAI;

/// <summary>
/// Options of the embedder that calls a service speaking the OpenAI embeddings API (<c>DocPipeline:OpenAI</c>):
/// OpenAI, Azure OpenAI's v1 endpoint, Ollama, vLLM, TEI. How many texts go in one call and how many calls run at
/// once are <c>DocPipeline:Embedding:BatchSize</c> and <c>DocPipeline:Embedding:MaxConcurrentCalls</c>.
/// </summary>
public sealed class OpenAIEmbeddingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "DocPipeline:OpenAI";

    /// <summary>The environment variable the API key is read from unless <see cref="ApiKeyVariable"/> names another.</summary>
    public const string DefaultApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>Gets or sets the base address of the API, the part before <c>/embeddings</c>.</summary>
    /// <value>The default value is <c>https://api.openai.com/v1</c>.</value>
    public Uri Endpoint { get; set; } = new("https://api.openai.com/v1");

    /// <summary>Gets or sets the model to embed with, such as <c>text-embedding-3-small</c>. Required.</summary>
    /// <remarks>The data folder records the model and its dimensions, and refuses another model later.</remarks>
    public string? Model { get; set; }

    /// <summary>
    /// Gets or sets the number of dimensions to ask the service for (models that can shorten their vectors, such as
    /// <c>text-embedding-3-*</c>), or <see langword="null"/> to take the model's own size, found with one probe call.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? Dimensions { get; set; }

    /// <summary>
    /// Gets or sets the name of the environment variable that holds the API key. The key itself is never read from
    /// configuration, printed, logged or stored in the data folder. An empty name sends no key, for local services that
    /// need none.
    /// </summary>
    /// <value>The default value is <c>OPENAI_API_KEY</c>.</value>
    public string ApiKeyVariable { get; set; } = DefaultApiKeyVariable;

    /// <summary>Gets or sets how long one call may take before it is abandoned and tried again.</summary>
    /// <value>The default value is 100 seconds.</value>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
