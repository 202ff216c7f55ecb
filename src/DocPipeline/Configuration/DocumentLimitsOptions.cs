using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>
/// Limits of one document (<c>DocPipeline:Limits</c>). A document that breaks one fails its own job at once, with a
/// reason that names the limit; the rest of the batch goes on. They bound what one crafted or oversized file can cost
/// in memory, time and disk.
/// </summary>
public sealed class DocumentLimitsOptions
{
    /// <summary>Gets or sets the most text, in UTF-8 bytes, that may be extracted from one document.</summary>
    /// <value>The default value is 512 MiB.</value>
    [Range(1024L, 64L * 1024 * 1024 * 1024)]
    public long MaxExtractedTextBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Gets or sets the most chunks one document may be split into.</summary>
    /// <value>The default value is 1,000,000.</value>
    [Range(1, 100_000_000)]
    public int MaxChunksPerDocument { get; set; } = 1_000_000;

    /// <summary>
    /// Gets or sets the most bytes that may be decompressed from one document: a gzip-compressed file, or the parts of
    /// a package (a <c>.docx</c> is a zip archive).
    /// </summary>
    /// <value>The default value is 1 GiB.</value>
    [Range(1024L, 64L * 1024 * 1024 * 1024)]
    public long MaxDecompressedBytes { get; set; } = 1024L * 1024 * 1024;
}
