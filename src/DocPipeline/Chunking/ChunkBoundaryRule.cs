namespace DocPipeline.Chunking;

/// <summary>How <see cref="TokenAwareChunker"/> decides where a chunk ends; each rule gives different chunks for the same text.</summary>
/// <remarks>
/// Nothing about the rule is stored: a document keeps the chunks it was cut into until its content changes, and is
/// then cut again by the current rule (the embedding cache keeps every chunk whose text did not change).
/// </remarks>
internal enum ChunkBoundaryRule
{
    /// <summary>
    /// The rule of DocPipeline up to version 2 of the chunker: after a unit whose hash falls under a threshold that
    /// grows with the unit's size and with how full the chunk is; before a unit that would overflow the limit.
    /// The fill term makes most ends depend on where the chunk started, so inside a long block of short units
    /// (list items, table rows, code lines) the ends after an edit can stay shifted for several chunks.
    /// </summary>
    FillWeighted,

    /// <summary>
    /// The rule of version 3 of the chunker: after a unit whose hash falls under a threshold set by the unit's size alone, once the chunk
    /// holds the minimum; before a unit that would overflow the limit, the chunk backs off to end after its unit with
    /// the lowest hash per token past the minimum, which both versions of an edited text usually share.
    /// </summary>
    ContentDefined,

    /// <summary>
    /// The current rule: kept anchors (units whose hash falls under a threshold set by their size, after at least the
    /// minimum since the previous anchor) cut the text into segments, and a segment too big for the limit is cut at
    /// its own lowest-score units. No end depends on where the previous chunk started, so an edit changes only the
    /// chunks of the segment that holds it (see <c>TokenAwareChunker.Anchored.cs</c> for the bound).
    /// </summary>
    Anchored,
}
