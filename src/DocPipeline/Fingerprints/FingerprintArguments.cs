namespace DocPipeline.Fingerprints;

/// <summary>Argument checks shared by the fingerprint stores.</summary>
internal static class FingerprintArguments
{
    /// <summary>Throws when the list or one of its fingerprints is incomplete, before anything is written.</summary>
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
