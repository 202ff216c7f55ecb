namespace DocPipeline.Consistency;

/// <summary>What <see cref="IIndexMaintenance.RebuildAsync"/> did.</summary>
public sealed class RebuildResult
{
    /// <summary>Gets what was written into each rebuilt index, by name.</summary>
    public required IReadOnlyDictionary<string, IndexRebuild> Indexes { get; init; }

    /// <summary>Gets the backup taken first (<c>DocPipeline:IndexManagement:AutoBackup</c>), or <see langword="null"/>.</summary>
    public string? BackupPath { get; init; }

    /// <summary>Gets the state after the rebuild, checked again.</summary>
    public required ConsistencyReport After { get; init; }

    /// <summary>Gets how long the rebuild took.</summary>
    public TimeSpan Duration { get; init; }
}
