namespace DocPipeline.SemanticKernel;

/// <summary>What the DocPipeline plugin offers a Kernel.</summary>
public sealed class DocPipelinePluginOptions
{
    /// <summary>The plugin name the functions are found under. The default value is <c>docpipeline</c>.</summary>
    public string PluginName { get; set; } = "docpipeline";

    /// <summary>
    /// Whether the plugin offers <c>ingest_documents</c>, which lets the model index files, folders and globs of this
    /// machine. The default value is <see langword="false"/>: the model only reads.
    /// </summary>
    public bool EnableIngest { get; set; }
}
