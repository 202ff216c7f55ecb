using System.ComponentModel.DataAnnotations;
using DocPipeline.Configuration;

namespace DocPipeline.Consistency;

/// <summary>What <see cref="IIndexMaintenance.RestoreAsync"/> restores.</summary>
public sealed class RestoreOptions
{
    /// <summary>
    /// Gets the backup: an archive (<c>.tar.gz</c>, <c>.tgz</c>), a backup folder (holding <c>manifest.json</c>), or a
    /// folder of backups, in which case the newest one is restored.
    /// </summary>
    [Required]
    [DataPath]
    public required string Source { get; init; }
}
