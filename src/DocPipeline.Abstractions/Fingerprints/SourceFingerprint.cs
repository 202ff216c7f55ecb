namespace DocPipeline.Fingerprints;

/// <summary>What DocPipeline last saw of a source: enough to tell, cheaply, whether it changed.</summary>
public sealed record SourceFingerprint
{
    /// <summary>Gets the source (a normalized full path for files).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the size in bytes when the content was last hashed.</summary>
    public long Size { get; init; }

    /// <summary>Gets the last-write time (UTC) when the content was last hashed.</summary>
    public DateTimeOffset LastWriteTimeUtc { get; init; }

    /// <summary>Gets the SHA-256 of the content, as lower-case hex.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Gets the SHA-256 of the canonical JSON of the metadata, as lower-case hex, or <see langword="null"/>.</summary>
    public string? MetadataHash { get; init; }

    /// <summary>Gets the id of the document built from this source, if one was.</summary>
    public string? DocumentId { get; init; }

    /// <summary>Gets when the source was last seen by a run.</summary>
    public DateTimeOffset LastSeenAt { get; init; }
}
