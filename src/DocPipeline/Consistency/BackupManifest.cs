namespace DocPipeline.Consistency;

/// <summary>The <c>manifest.json</c> of a backup: what it holds, the counts, and the SHA-256 of every file.</summary>
internal sealed class BackupManifest
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "docpipeline-backup";

    /// <summary>The format version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    public string Format { get; set; } = FormatName;

    public int Version { get; set; } = CurrentVersion;

    public string? DocPipelineVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? Reason { get; set; }

    /// <summary>Gets or sets the embedder the registry was built with (<c>model id:dimensions</c>).</summary>
    public string? Embedder { get; set; }

    public List<string> Stores { get; set; } = [];

    public List<string> Skipped { get; set; } = [];

    public long Documents { get; set; }

    public long Chunks { get; set; }

    public long VectorEntries { get; set; }

    public long KeywordEntries { get; set; }

    public long Reconciled { get; set; }

    public List<BackupManifestFile> Files { get; set; } = [];
}
