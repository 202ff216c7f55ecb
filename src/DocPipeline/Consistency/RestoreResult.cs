namespace DocPipeline.Consistency;

/// <summary>A restore that was completed.</summary>
public sealed class RestoreResult
{
    /// <summary>Gets the full path of the backup restored.</summary>
    public required string Source { get; init; }

    /// <summary>Gets when that backup was taken.</summary>
    public DateTimeOffset BackupCreatedAt { get; init; }

    /// <summary>Gets the stores restored.</summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>Gets the backup of the replaced data taken first (<c>DocPipeline:IndexManagement:AutoBackup</c>), or <see langword="null"/>.</summary>
    public string? BackupPath { get; init; }

    /// <summary>Gets the number of documents with a committed version in the restored data.</summary>
    public long Documents { get; init; }

    /// <summary>Gets the number of chunks of committed versions in the restored data.</summary>
    public long Chunks { get; init; }
}
