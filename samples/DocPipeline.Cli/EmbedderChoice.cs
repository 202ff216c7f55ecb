namespace DocPipeline.Cli;

/// <summary>The embedders docpipe can load, by the name used on the command line.</summary>
internal static class EmbedderChoice
{
    public const string MiniLm = "minilm";
    public const string Hash = "hash";

    /// <summary>Maps the embedder a data folder records (model id:dimensions) back to a command-line name.</summary>
    public static string? FromRecorded(string? recorded) => recorded switch
    {
        null => null,
        _ when recorded.StartsWith("docpipeline-hashing", StringComparison.Ordinal) => Hash,
        _ when recorded.Contains("MiniLM", StringComparison.OrdinalIgnoreCase) => MiniLm,
        _ => null,
    };
}
