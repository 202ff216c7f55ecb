namespace DocPipeline.Consistency;

/// <summary>How <see cref="IIndexMaintenance.VerifyAsync(VerifyOptions, System.Threading.CancellationToken)"/> checks the stores.</summary>
public sealed class VerifyOptions
{
    /// <summary>
    /// Gets a value indicating whether to check every store in depth: SQLite's <c>integrity_check</c> instead of
    /// <c>quick_check</c>, every stored vector against its checksum, and Lucene's <c>CheckIndex</c> with every index
    /// file read against its checksum. Without it the checks are the fast ones (SQLite's <c>quick_check</c>, every
    /// vector still a unit vector, the last Lucene commit's files present and whole).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Deep { get; init; }
}
