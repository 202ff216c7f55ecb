using DocPipeline.Chunking;

namespace DocPipeline.Ingestion;

/// <summary>A document read and chunked, ready to be staged as a new version.</summary>
internal sealed record DocumentContent
{
    public required string DocumentId { get; init; }

    public required string Source { get; init; }

    public required string ContentHash { get; init; }

    public string? MetadataHash { get; init; }

    /// <summary>Gets document-level metadata; it is written with every chunk's index entries.</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public required IReadOnlyList<TextChunk> Chunks { get; init; }
}
