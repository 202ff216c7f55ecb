using System.CommandLine;

namespace DocPipeline.Cli;

/// <summary>Options every command takes.</summary>
internal sealed class CliOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "The data folder (jobs, fingerprints, registry, indexes).",
        DefaultValueFactory = _ => "./.docpipeline",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "The YAML configuration file. Default: docpipe.yaml or config.yaml in the working directory, if there is one.",
        Recursive = true,
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Set one configuration key, over every file and environment variable: --set queue.max_concurrent=4. Repeat for more.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object on stdout and nothing else.",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show informational logs and the stack traces of errors (also: DOCPIPE_DEBUG=1).",
        Recursive = true,
    };

    public Option<string?> Embedder { get; } = new Option<string?>("--embedder")
    {
        Description = "The embedder: minilm (local, semantic), hash (fast, not semantic) or openai (a service speaking the OpenAI embeddings API, set up by the openai.* keys). Default: openai when openai.model is configured, else the one the data folder was built with, else minilm.",
        Recursive = true,
    }.AcceptOnlyFromAmong(EmbedderChoice.MiniLm, EmbedderChoice.Hash, EmbedderChoice.OpenAI);
}
