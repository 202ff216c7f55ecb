namespace DocPipeline.Fingerprints;

/// <summary>What a run did with a source when it recorded a fingerprint history entry.</summary>
public enum FingerprintChange
{
    /// <summary>Not known: the entry was recorded before the history kept it.</summary>
    Unknown = 0,

    /// <summary>The source was indexed for the first time (or again after it was removed).</summary>
    Added = 1,

    /// <summary>The source's content or metadata changed and its document was updated.</summary>
    Updated = 2,

    /// <summary>The source's document was removed; the entry repeats the last fingerprint.</summary>
    Removed = 3,
}
