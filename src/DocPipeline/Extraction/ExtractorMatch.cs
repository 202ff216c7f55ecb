namespace DocPipeline.Extraction;

/// <summary>The extractor chosen for a document, and the media type it reads the document as.</summary>
/// <param name="Extractor">The extractor.</param>
/// <param name="MediaType">The media type for <see cref="ExtractionContext.MediaType"/>.</param>
internal sealed record ExtractorMatch(IDocumentExtractor Extractor, string MediaType)
{
    /// <summary>The suffix of a gzip-compressed file name (<c>guide.md.gz</c>).</summary>
    internal const string GzipSuffix = ".gz";

    /// <summary>
    /// Gets a value indicating whether the file is gzip-compressed: the extractor reads the decompressed content,
    /// chosen by the name without <c>.gz</c>.
    /// </summary>
    public bool IsGzip { get; init; }

    /// <summary>
    /// Gets a value indicating whether the file (or its name without <c>.gz</c>) has no extension, so it is read as
    /// plain text only when its first bytes look like text (see <see cref="TextSniffer"/>).
    /// </summary>
    public bool IsSniffed { get; init; }

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

    /// <summary>
    /// Extracts a document from its content as stored: a gzip-compressed file is decompressed (bounded by
    /// <c>DocPipeline:Limits:MaxDecompressedBytes</c>) and read under its name without <c>.gz</c>.
    /// </summary>
    /// <param name="stored">The bytes as stored, read forward; left open.</param>
    /// <param name="source">The source (a full path for files), used in error messages.</param>
    /// <param name="fileName">The file name as stored, with its extension.</param>
    /// <param name="length">The stored length in bytes, when known.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The extracted document.</returns>
    public async Task<ExtractedDocument> ExtractAsync(Stream stored, string source, string fileName, long? length, CancellationToken cancellationToken)
    {
        if (!IsGzip)
        {
            return await Extractor.ExtractAsync(stored, CreateContext(source, fileName, length), cancellationToken).ConfigureAwait(false);
        }

        var content = new GzipContentStream(stored, Limits.MaxDecompressedBytes ?? long.MaxValue);
        await using (content.ConfigureAwait(false))
        {
            var innerName = fileName.EndsWith(GzipSuffix, StringComparison.OrdinalIgnoreCase) ? fileName[..^GzipSuffix.Length] : fileName;
            return await Extractor.ExtractAsync(content, CreateContext(source, innerName, length: null), cancellationToken).ConfigureAwait(false);
        }
    }
}
