namespace DocPipeline.Extraction;

/// <summary>What an extractor knows about the content it reads.</summary>
public sealed class ExtractionContext
{
    /// <summary>Gets the source (a full path for files), used in error messages.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the file name, with its extension.</summary>
    public required string FileName { get; init; }

    /// <summary>Gets the media type chosen for the content (for example <c>application/pdf</c>).</summary>
    public required string MediaType { get; init; }

    /// <summary>Gets the content length in bytes, when known.</summary>
    public long? Length { get; init; }

    /// <summary>
    /// Gets the most text, in UTF-8 bytes, the host accepts from this document, when limited. An extractor that reads
    /// text incrementally should stop as soon as it has more and throw <see cref="DocumentExtractionException"/>; the
    /// host checks what the extractor returns in any case.
    /// </summary>
    public long? MaxTextBytes { get; init; }

    /// <summary>
    /// Gets the most bytes an extractor may decompress from this document (for example the parts of a ZIP package),
    /// when limited. An extractor should stop as soon as it has decompressed more and throw
    /// <see cref="DocumentExtractionException"/>.
    /// </summary>
    public long? MaxDecompressedBytes { get; init; }
}
