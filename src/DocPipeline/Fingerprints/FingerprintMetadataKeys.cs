namespace DocPipeline.Fingerprints;

/// <summary>
/// The keys under which file facts join the metadata hash when <c>DocPipeline:Fingerprint:IncludeMetadata</c> is on.
/// They are prefixed so that they cannot collide with a caller's own keys; they override a caller's value if they do.
/// </summary>
internal static class FingerprintMetadataKeys
{
    /// <summary>The file name, with its extension.</summary>
    public const string FileName = "docpipeline.file.name";

    /// <summary>The size in bytes.</summary>
    public const string FileSize = "docpipeline.file.size";

    /// <summary>The last-write time in UTC, at the stored (millisecond) precision.</summary>
    public const string LastWriteTimeUtc = "docpipeline.file.lastWriteTimeUtc";
}
