using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of the built-in chunker (<c>DocPipeline:Chunking</c>). Sizes are in embedder tokens (word pieces for MiniLM).</summary>
public sealed class ChunkingOptions
{
    /// <summary>Gets or sets the size a chunk aims for.</summary>
    /// <value>The default value is 200.</value>
    [Range(16, 8192)]
    public int TargetTokens { get; set; } = 200;

    /// <summary>
    /// Gets or sets the hard limit of a chunk, special tokens included; no chunk is ever longer. It must not exceed the
    /// embedder's input limit (the local MiniLM generator reads at most 256 word pieces, <c>[CLS]</c> and <c>[SEP]</c>
    /// included, and ignores the rest). The chunker reserves 2 special tokens and never counts more than this.
    /// </summary>
    /// <value>The default value is 256.</value>
    [Range(16, 8192)]
    public int MaxTokens { get; set; } = 256;

    /// <summary>Gets or sets how many tokens of the previous chunk's end are repeated at the start of the next one.</summary>
    /// <value>The default value is 32.</value>
    [Range(0, 4096)]
    public int OverlapTokens { get; set; } = 32;
}
