namespace DocPipeline.Consistency;

/// <summary>A backup that was written.</summary>
public sealed class BackupResult
{
    /// <summary>Gets the full path of the archive or folder.</summary>
    public required string Path { get; init; }

    /// <summary>Gets when the backup was taken.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the stores it holds (<c>jobs</c>, <c>fingerprints</c>, <c>registry</c>, <c>vector</c>, <c>keyword</c>).</summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>Gets the stores left out, each with the reason (an in-memory or server store is not in a data folder backup).</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>Gets the number of files.</summary>
    public int Files { get; init; }

    /// <summary>Gets the bytes of the files (before compression).</summary>
    public long Bytes { get; init; }

    /// <summary>Gets the number of documents with a committed version.</summary>
    public long Documents { get; init; }

    /// <summary>Gets the number of chunks of committed versions.</summary>
    public long Chunks { get; init; }

    /// <summary>
    /// Gets how many index entries of the copy were fixed to match the copied registry: documents written while the
    /// stores were copied one after the other. The backup holds the registry's state, with indexes to match.
    /// </summary>
    public long Reconciled { get; init; }

    /// <summary>Gets the older backups deleted by the retention rule.</summary>
    public IReadOnlyList<string> Expired { get; init; } = [];
}
