namespace DocPipeline.Chunking;

/// <summary>A span of the document text that the chunker never splits, with its token count and content hash.</summary>
/// <param name="Span">The text span, trimmed of white space.</param>
/// <param name="Tokens">The number of tokens in the span, without special tokens.</param>
/// <param name="Kind">Whether the unit is a paragraph, sentence, word or piece.</param>
/// <param name="Hash">A hash of the unit's text; it decides content-defined chunk boundaries.</param>
/// <param name="FirstSentence">For a paragraph or sentence, the index of its first counted sentence.</param>
/// <param name="SentenceCount">For a paragraph or sentence, how many counted sentences it holds; 0 for words and pieces.</param>
/// <param name="Weight">
/// How strongly the unit draws a chunk end after it by the <see cref="ChunkBoundaryRule.Anchored"/> rule, or 0 for its
/// <paramref name="Tokens"/>: a paragraph's last sentence weighs the whole paragraph, its other sentences a quarter of
/// their tokens, so chunks still end mostly at paragraph ends.
/// </param>
internal readonly record struct ChunkUnit(TextSpan Span, int Tokens, ChunkUnitKind Kind, uint Hash, int FirstSentence, int SentenceCount, int Weight = 0)
{
    /// <summary>Gets the weight that sets how likely a chunk end follows the unit.</summary>
    public int EndWeight => Weight > 0 ? Weight : Tokens;
}
