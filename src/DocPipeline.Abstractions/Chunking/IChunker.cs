using DocPipeline.Extraction;

namespace DocPipeline.Chunking;

/// <summary>Splits a document's text into chunks that fit the embedder's input limit.</summary>
public interface IChunker
{
    /// <summary>Splits a document into chunks.</summary>
    /// <param name="document">The extracted document.</param>
    /// <returns>The chunks, in document order; empty when the document has no text.</returns>
    IReadOnlyList<TextChunk> Chunk(ExtractedDocument document);
}
