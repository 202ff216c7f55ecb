using System.Globalization;

namespace DocPipeline.Extraction;

/// <summary>The errors of a document that breaks one of the limits of <c>DocPipeline:Limits</c>; each names its limit.</summary>
internal static class DocumentLimitFault
{
    /// <summary>The document's text is larger than <c>MaxExtractedTextBytes</c>.</summary>
    /// <param name="limit">The limit, in UTF-8 bytes.</param>
    /// <returns>The error to throw.</returns>
    public static DocumentExtractionException TextTooLarge(long limit) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The document holds more than {limit:N0} bytes of text, the limit DocPipeline:Limits:MaxExtractedTextBytes; split it into smaller files or raise the limit."));

    /// <summary>The document splits into more chunks than <c>MaxChunksPerDocument</c>.</summary>
    /// <param name="chunks">The chunks the document split into.</param>
    /// <param name="limit">The limit.</param>
    /// <returns>The error to throw.</returns>
    public static DocumentExtractionException TooManyChunks(int chunks, int limit) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The document splits into {chunks:N0} chunks, more than the limit DocPipeline:Limits:MaxChunksPerDocument ({limit:N0}); split it into smaller files or raise the limit."));

    /// <summary>The document decompresses to more than <c>MaxDecompressedBytes</c>.</summary>
    /// <param name="limit">The limit, in bytes.</param>
    /// <returns>The error to throw.</returns>
    public static DocumentExtractionException DecompressesTooLarge(long limit) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The document decompresses to more than {limit:N0} bytes, the limit DocPipeline:Limits:MaxDecompressedBytes; it may be a decompression bomb, or raise the limit."));
}
