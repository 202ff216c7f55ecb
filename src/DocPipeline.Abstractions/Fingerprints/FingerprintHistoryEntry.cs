namespace DocPipeline.Fingerprints;

/// <summary>One processed version of a source.</summary>
/// <param name="Source">The source.</param>
/// <param name="ContentHash">The SHA-256 of the content of that version.</param>
/// <param name="MetadataHash">The metadata hash of that version.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="LastWriteTimeUtc">The last-write time of that version.</param>
/// <param name="DocumentId">The document built from it.</param>
/// <param name="RecordedAt">When the version was recorded.</param>
public sealed record FingerprintHistoryEntry(
    string Source,
    string ContentHash,
    string? MetadataHash,
    long Size,
    DateTimeOffset LastWriteTimeUtc,
    string? DocumentId,
    DateTimeOffset RecordedAt)
{
    /// <summary>Gets what the run that recorded the entry did with the source.</summary>
    public FingerprintChange Change { get; init; }
}
