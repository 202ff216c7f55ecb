using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of index consistency, backup and rebuild (<c>DocPipeline:IndexManagement</c>).</summary>
public sealed class IndexManagementOptions
{
    /// <summary>Gets or sets a value indicating whether the indexes are verified against the registry when the pipeline starts.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ConsistencyChecks { get; set; }

    /// <summary>Gets or sets a value indicating whether a backup is taken before destructive operations (restore, rebuild, full cleanup).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AutoBackup { get; set; }

    /// <summary>Gets or sets the folder that automatic backups are written to.</summary>
    /// <value>The default value is <see langword="null"/>: <c>backups</c> under the data directory.</value>
    public string? BackupPath { get; set; }

    /// <summary>Gets or sets how many days backups in <see cref="BackupPath"/> are kept.</summary>
    /// <value>The default value is 14.</value>
    [Range(0, 36500)]
    public int BackupRetentionDays { get; set; } = 14;

    /// <summary>Gets or sets a value indicating whether an index that cannot be opened at startup is rebuilt from the stored artifacts.</summary>
    /// <value>The default value is <see langword="false"/>: the pipeline reports the damage and refuses to start.</value>
    public bool RebuildOnCorruption { get; set; }
}
