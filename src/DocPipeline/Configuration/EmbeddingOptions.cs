using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of how chunks are sent to the embedding generator (<c>DocPipeline:Embedding</c>).</summary>
public sealed class EmbeddingOptions
{
    /// <summary>Gets or sets the most texts sent to the generator in one call; concurrent jobs share calls up to this size.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many calls to the generator may run at once. A second call starts only when a full batch is
    /// waiting, so batches stay large. Raise it for a remote generator that serves calls in parallel; keep 1 for a
    /// local model, which already uses every core.
    /// </summary>
    /// <value>The default value is 1.</value>
    [Range(1, 256)]
    public int MaxConcurrentCalls { get; set; } = 1;
}
