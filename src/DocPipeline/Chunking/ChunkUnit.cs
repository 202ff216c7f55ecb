namespace DocPipeline.Chunking;

/// <summary>A span of the document text that the chunker never splits, with its token count and content hash.</summary>
/// <param name="Span">The text span, trimmed of white space.</param>
/// <param name="Tokens">The number of tokens in the span, without special tokens.</param>
/// <param name="Kind">Whether the unit is a paragraph, sentence, word or piece.</param>
/// <param name="Hash">A hash of the unit's text; it decides content-defined chunk boundaries.</param>
/// <param name="FirstSentence">For a paragraph or sentence, the index of its first counted sentence.</param>
/// <param name="SentenceCount">For a paragraph or sentence, how many counted sentences it holds; 0 for words and pieces.</param>
internal readonly record struct ChunkUnit(TextSpan Span, int Tokens, ChunkUnitKind Kind, uint Hash, int FirstSentence, int SentenceCount);
