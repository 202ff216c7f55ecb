namespace DocPipeline.Registry;

/// <summary>A document as the registry knows it.</summary>
public sealed record DocumentRecord
{
    /// <summary>Gets the stable, readable document id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the source the document was last built from.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the committed version (1 for the first), or 0 when no version is committed yet.</summary>
    public int Version { get; init; }

    /// <summary>Gets the version staged and not committed yet, if any.</summary>
    public int? PendingVersion { get; init; }

    /// <summary>Gets the SHA-256 of the committed content.</summary>
    public string? ContentHash { get; init; }

    /// <summary>Gets the metadata hash of the committed version.</summary>
    public string? MetadataHash { get; init; }

    /// <summary>Gets the state.</summary>
    public DocumentStatus Status { get; init; }

    /// <summary>Gets the number of chunks of the committed version.</summary>
    public int ChunkCount { get; init; }

    /// <summary>Gets the document metadata (title, media type, user metadata) of the committed version.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the version each index holds, by index name (<c>vector</c>, <c>keyword</c>).</summary>
    public IReadOnlyDictionary<string, int> IndexVersions { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets the last error, when <see cref="Status"/> is <see cref="DocumentStatus.Failed"/>.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the generation of the last ingestion run that saw the document's source.</summary>
    public long LastSeenRun { get; init; }

    /// <summary>Gets when the document was first registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the document last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
