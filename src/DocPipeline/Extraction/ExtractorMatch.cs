namespace DocPipeline.Extraction;

/// <summary>The extractor chosen for a document, and the media type it reads the document as.</summary>
/// <param name="Extractor">The extractor.</param>
/// <param name="MediaType">The media type for <see cref="ExtractionContext.MediaType"/>.</param>
internal sealed record ExtractorMatch(IDocumentExtractor Extractor, string MediaType)
{
    /// <summary>Gets the limits passed to the extractor in its context (<see cref="ExtractionContext.MaxTextBytes"/>, <see cref="ExtractionContext.MaxDecompressedBytes"/>).</summary>
    public (long? MaxTextBytes, long? MaxDecompressedBytes) Limits { get; init; }

    /// <summary>Creates the context to pass to <see cref="IDocumentExtractor.ExtractAsync"/>.</summary>
    /// <param name="source">The source (a full path for files), used in error messages.</param>
    /// <param name="fileName">The file name, with its extension.</param>
    /// <param name="length">The content length in bytes, when known.</param>
    /// <returns>The context.</returns>
    public ExtractionContext CreateContext(string source, string fileName, long? length) => new()
    {
        Source = source,
        FileName = fileName,
        MediaType = MediaType,
        Length = length,
        MaxTextBytes = Limits.MaxTextBytes,
        MaxDecompressedBytes = Limits.MaxDecompressedBytes,
    };
}
