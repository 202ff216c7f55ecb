using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of index consistency, backup and rebuild (<c>DocPipeline:IndexManagement</c>).</summary>
public sealed class IndexManagementOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the indexes are verified against the registry when the pipeline starts
    /// (in the background, after the startup check; the result is logged and never stops the pipeline).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ConsistencyChecks { get; set; }

    /// <summary>Gets or sets a value indicating whether a backup is taken into <see cref="BackupPath"/> before destructive operations (restore, rebuild, full cleanup).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AutoBackup { get; set; }

    /// <summary>Gets or sets the folder that automatic backups are written to.</summary>
    /// <value>The default value is <see langword="null"/>: <c>backups</c> under the data directory.</value>
    [DataPath]
    public string? BackupPath { get; set; }

    /// <summary>
    /// Gets or sets how many days backups are kept: writing a backup into a folder deletes the backups in that folder
    /// (named <c>docpipeline-&lt;UTC time&gt;</c>) older than this. 0 keeps every backup.
    /// </summary>
    /// <value>The default value is 14.</value>
    [Range(0, 36500)]
    public int BackupRetentionDays { get; set; } = 14;

    /// <summary>
    /// Gets or sets a value indicating whether an embedded index that cannot be opened at startup (damaged or missing
    /// files) is rebuilt from the stored chunks and embeddings, without re-embedding; its files are moved aside first.
    /// The check runs when a host starts, or before the first ingest, resume or search without a host.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the pipeline reports the damage and refuses to start.</value>
    public bool RebuildOnCorruption { get; set; }
}
