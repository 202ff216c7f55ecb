namespace DocPipeline.Cli;

/// <summary>The embedders docpipe can load, by the name used on the command line.</summary>
internal static class EmbedderChoice
{
    public const string MiniLm = "minilm";
    public const string Hash = "hash";
    public const string OpenAI = "openai";

    /// <summary>Gets <see cref="OpenAI"/> when the configuration names an OpenAI-compatible model (<c>openai.model</c>), else <see langword="null"/>.</summary>
    public static string? FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[$"{DocPipeline.OpenAI.OpenAIEmbeddingOptions.SectionName}:{nameof(DocPipeline.OpenAI.OpenAIEmbeddingOptions.Model)}"]) ? null : OpenAI;

    /// <summary>Maps the embedder a data folder records (model id:dimensions) back to a command-line name.</summary>
    public static string? FromRecorded(string? recorded) => recorded switch
    {
        null => null,
        _ when recorded.StartsWith("docpipeline-hashing", StringComparison.Ordinal) => Hash,
        _ when recorded.Contains("MiniLM", StringComparison.OrdinalIgnoreCase) => MiniLm,

        // Any other model came from a service: the openai.* keys say how to reach it.
        _ => OpenAI,
    };
}
