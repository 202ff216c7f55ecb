namespace DocPipeline.Fingerprints;

/// <summary>The outcome of checking one source against its fingerprint.</summary>
internal sealed record FingerprintCheck
{
    /// <summary>Gets the source (the normalized full path).</summary>
    public required string Source { get; init; }

    /// <summary>Gets what the check found.</summary>
    public required FingerprintStatus Status { get; init; }

    /// <summary>
    /// Gets the fingerprint that describes the source now, or <see langword="null"/> when it is missing or failed.
    /// <see cref="FingerprintStatus.Unchanged"/> and <see cref="FingerprintStatus.Touched"/> are already recorded.
    /// For <see cref="FingerprintStatus.New"/>, <see cref="FingerprintStatus.Changed"/> and
    /// <see cref="FingerprintStatus.MetadataChanged"/> the caller records it (with its document id) once the source
    /// is processed, keeping its <see cref="SourceFingerprint.LastSeenAt"/> as given: that time is taken before the
    /// file was examined, which is what lets the next quick check detect a write that raced with this one.
    /// </summary>
    public SourceFingerprint? Fingerprint { get; init; }

    /// <summary>Gets the stored fingerprint the source was compared with, or <see langword="null"/> when it had none.</summary>
    public SourceFingerprint? Previous { get; init; }

    /// <summary>Gets a value indicating whether the file was opened and its content hashed.</summary>
    public bool ContentHashed { get; init; }

    /// <summary>
    /// Gets a value indicating whether the source must go through the pipeline: new, changed or metadata-changed
    /// sources, and every readable source when fingerprinting is disabled.
    /// </summary>
    public bool NeedsProcessing { get; init; }

    /// <summary>Gets why the check failed (naming the path), or <see langword="null"/>.</summary>
    public string? Error { get; init; }
}
