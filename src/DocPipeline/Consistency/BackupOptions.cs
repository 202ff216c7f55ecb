using DocPipeline.Configuration;

namespace DocPipeline.Consistency;

/// <summary>Where and how <see cref="IIndexMaintenance.BackupAsync"/> writes a backup.</summary>
public sealed class BackupOptions
{
    /// <summary>
    /// Gets the destination: a path ending in <c>.tar.gz</c> or <c>.tgz</c> is the archive to write; any other path is a
    /// folder that receives a new backup named <c>docpipeline-&lt;UTC time&gt;</c> (and in which backups older than
    /// <c>DocPipeline:IndexManagement:BackupRetentionDays</c> are deleted). <see langword="null"/> uses
    /// <c>DocPipeline:IndexManagement:BackupPath</c>.
    /// </summary>
    [DataPath]
    public string? Destination { get; init; }

    /// <summary>Gets the format of a backup written into a folder destination.</summary>
    /// <value>The default value is <see cref="BackupFormat.Archive"/>.</value>
    public BackupFormat Format { get; init; } = BackupFormat.Archive;
}
