using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Ingestion;

/// <summary>Options of one ingestion run.</summary>
public sealed class IngestOptions
{
    /// <summary>Gets or sets a value indicating whether every source is processed even when its fingerprint is unchanged.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ForceReprocess { get; set; }

    /// <summary>Gets or sets what the run does with new, changed and indexed sources.</summary>
    /// <value>The default value is <see cref="UpdateMode.Auto"/>.</value>
    public UpdateMode UpdateMode { get; set; }

    /// <summary>Gets or sets how many documents are processed at the same time.</summary>
    /// <value>The default value is <see langword="null"/>: <c>DocPipeline:Queue:MaxConcurrent</c>. Allowed: 1 to 1024.</value>
    [Range(1, 1024)]
    public int? MaxConcurrent { get; set; }

    /// <summary>Gets or sets the priority of the run's jobs; higher runs first.</summary>
    /// <value>The default value is <see langword="null"/>: <c>DocPipeline:Queue:DefaultPriority</c>. Allowed: -1000 to 1000.</value>
    [Range(-1000, 1000)]
    public int? Priority { get; set; }

    /// <summary>Gets or sets what happens to indexed documents whose source was not seen by this run.</summary>
    /// <value>The default value is <see cref="CleanupMode.None"/>.</value>
    public CleanupMode Cleanup { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="CleanupMode.Full"/> deletes even after a run that had failures.</summary>
    /// <value>The default value is <see langword="false"/>: a run with failures deletes nothing under <see cref="CleanupMode.Full"/>.</value>
    public bool ForceCleanup { get; set; }

    /// <summary>Gets or sets metadata added to every document of the run (stored in both indexes).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; set; }

    /// <summary>Gets or sets a receiver of progress reports while the run goes on.</summary>
    public IProgress<IngestProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets the folders that symbolic links met while expanding folders and globs may lead into. A link whose
    /// real path (every link resolved) is outside all of them is not followed: it is reported as skipped with that
    /// reason. For hosts that ingest on behalf of others (the web host's <c>AllowedSourceRoots</c>); the sources given
    /// to the call are the host's to check.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: links are followed wherever they lead.</value>
    public IReadOnlyList<string>? LinkRoots { get; set; }
}
