namespace DocPipeline.Fingerprints;

/// <summary>What a fingerprint check found out about a source.</summary>
internal enum FingerprintStatus
{
    /// <summary>The source has no fingerprint yet: it must be processed.</summary>
    New,

    /// <summary>
    /// Size, last-write time and metadata match the fingerprint (the file was not opened), or a forced hash matched.
    /// Already recorded as seen; nothing to do.
    /// </summary>
    Unchanged,

    /// <summary>
    /// The last-write time (or size) moved but the content and metadata hashes did not. The new time is already
    /// recorded; nothing to reprocess.
    /// </summary>
    Touched,

    /// <summary>The content is the same but the metadata hash differs: update stored metadata, re-embed nothing.</summary>
    MetadataChanged,

    /// <summary>The content hash differs from the fingerprint: the source must be reprocessed.</summary>
    Changed,

    /// <summary>There is no file at the path (it may have been deleted).</summary>
    Missing,

    /// <summary>
    /// The path leads to a FIFO, a socket or a device, not a regular file: it is left alone without being opened; see
    /// the error for what it is.
    /// </summary>
    NotRegularFile,

    /// <summary>The source could not be checked (unreadable file, invalid path, unhashable metadata); see the error.</summary>
    Failed,
}
