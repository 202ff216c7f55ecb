namespace DocPipeline.Chunking;

/// <summary>One piece of a document's text, sized for the embedder.</summary>
/// <param name="Ordinal">The 0-based position of the chunk in its document.</param>
/// <param name="Text">The chunk text.</param>
/// <param name="StartOffset">The offset of the first character in the document text (sections joined by a blank line).</param>
/// <param name="EndOffset">The offset just past the last character in the document text.</param>
/// <param name="Page">The page the chunk starts on, or <see langword="null"/> for formats without pages.</param>
/// <param name="TokenCount">The number of embedder tokens in <paramref name="Text"/>, without special tokens.</param>
public sealed record TextChunk(int Ordinal, string Text, int StartOffset, int EndOffset, int? Page, int TokenCount);
