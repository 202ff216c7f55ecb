namespace DocPipeline.Consistency;

/// <summary>How a backup is written.</summary>
public enum BackupFormat
{
    /// <summary>One compressed archive file (<c>.tar.gz</c>).</summary>
    Archive,

    /// <summary>A folder of plain files.</summary>
    Folder,
}
