using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of how chunks are sent to the embedding generator (<c>DocPipeline:Embedding</c>).</summary>
public sealed class EmbeddingOptions
{
    /// <summary>Gets or sets the most texts sent to the generator in one call; concurrent jobs share calls up to this size.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 64;
}
