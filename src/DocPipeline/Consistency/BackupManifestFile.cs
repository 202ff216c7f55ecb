namespace DocPipeline.Consistency;

/// <summary>One file of a backup, as the manifest lists it.</summary>
internal sealed class BackupManifestFile
{
    /// <summary>Gets or sets the path inside the backup, <c>/</c>-separated.</summary>
    public string Path { get; set; } = string.Empty;

    public long Size { get; set; }

    /// <summary>Gets or sets the SHA-256 of the content, lower-case hex.</summary>
    public string Sha256 { get; set; } = string.Empty;
}
