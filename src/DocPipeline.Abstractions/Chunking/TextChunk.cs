namespace DocPipeline.Chunking;

/// <summary>One piece of a document's text, sized for the embedder.</summary>
/// <remarks>
/// The document text is the sections joined by a blank line (<c>"\n\n"</c>). A chunk's own part is the document text
/// at <c>[StartOffset, EndOffset)</c>; the own parts of a document's chunks are in order, do not overlap, and are
/// separated only by white space. <see cref="Text"/> may start with an overlap, the end of the previous chunk's own
/// part: it is the document text at <c>[EndOffset - Text.Length, EndOffset)</c>.
/// </remarks>
/// <param name="Ordinal">The 0-based position of the chunk in its document.</param>
/// <param name="Text">The chunk text: the overlap with the previous chunk, if any, then the chunk's own part.</param>
/// <param name="StartOffset">The offset of the first character of the chunk's own part in the document text (sections joined by a blank line).</param>
/// <param name="EndOffset">The offset just past the last character of the chunk in the document text.</param>
/// <param name="Page">The page the chunk's own part starts on, or <see langword="null"/> for formats without pages.</param>
/// <param name="TokenCount">The number of embedder tokens in <paramref name="Text"/>, without special tokens.</param>
public sealed record TextChunk(int Ordinal, string Text, int StartOffset, int EndOffset, int? Page, int TokenCount);
