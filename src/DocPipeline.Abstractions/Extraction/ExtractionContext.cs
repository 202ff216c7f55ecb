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
}
