namespace DocPipeline.Fingerprints;

/// <summary>Argument checks every <see cref="IFingerprintStore"/> applies the same way at its public boundary.</summary>
public static class FingerprintArguments
{
    /// <summary>Throws when the list or one of its fingerprints is incomplete, before anything is written.</summary>
    /// <param name="fingerprints">The fingerprints passed to a store.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fingerprints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A fingerprint is null or has no source or no content hash.</exception>
    public static void ThrowIfInvalid(IReadOnlyCollection<SourceFingerprint> fingerprints)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        foreach (var fingerprint in fingerprints)
        {
            if (fingerprint is null || string.IsNullOrEmpty(fingerprint.Source) || string.IsNullOrEmpty(fingerprint.ContentHash))
            {
                throw new ArgumentException(
                    $"Every fingerprint needs a source and a content hash; '{fingerprint?.Source}' has {(fingerprint is null ? "none" : "an empty one")}.",
                    nameof(fingerprints));
            }
        }
    }
}
