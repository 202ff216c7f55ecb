using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost;

/// <summary>Where backups go: <see cref="WebHostOptions.BackupDirectory"/>, else <c>backups</c> beside the data folder; never a path from a request.</summary>
public sealed class BackupFolder(IOptions<WebHostOptions> host, IOptions<DocPipelineOptions> pipeline)
{
    /// <summary>Gets the full path of the backup folder.</summary>
    public string Path => System.IO.Path.GetFullPath(host.Value.BackupDirectory is { Length: > 0 } configured
        ? configured
        : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(pipeline.Value.DataDirectory).TrimEnd('/')) ?? ".", "backups"));
}
