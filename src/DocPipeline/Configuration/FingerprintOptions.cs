using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of content fingerprinting (<c>DocPipeline:Fingerprint</c>).</summary>
public sealed class FingerprintOptions
{
    /// <summary>Gets or sets a value indicating whether unchanged sources are skipped. When off, every run processes every source.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the path of the SQLite fingerprint store.</summary>
    /// <value>The default value is <see langword="null"/>: <c>fingerprints.db</c> under the data directory.</value>
    [DataPath]
    public string? StoragePath { get; set; }

    /// <summary>Gets or sets how many days a source that is no longer seen keeps its fingerprint and history.</summary>
    /// <value>The default value is 30.</value>
    [Range(0, 36500)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// Gets or sets a value indicating whether file name, size and last-write time are part of the metadata hash,
    /// so that a rename or a touch counts as a metadata change (stored metadata is updated; nothing is re-embedded).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeMetadata { get; set; }

    /// <summary>
    /// Gets the metadata keys left out of the metadata hash, wherever they appear (nested objects included), compared
    /// ordinally. List volatile values here (a crawl time, a request id) so that they do not make every source look
    /// changed.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> ExcludedMetadataKeys { get; } = [];
}
