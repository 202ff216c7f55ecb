namespace DocPipeline.Fingerprints;

/// <summary>
/// The precision fingerprint times are kept at: whole milliseconds (unix milliseconds in SQLite). Every store and the
/// quick check truncate through here, so a file's last-write time compares equal to what a store gave back.
/// </summary>
internal static class FingerprintTimestamps
{
    /// <summary>Converts a time to the stored form (unix milliseconds, truncated).</summary>
    public static long ToUnixMilliseconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <summary>Converts a stored time back (UTC).</summary>
    public static DateTimeOffset FromUnixMilliseconds(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    /// <summary>Truncates a time to the stored precision, in UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => FromUnixMilliseconds(ToUnixMilliseconds(value));

    /// <summary>Returns the fingerprint with every time truncated to the stored precision.</summary>
    public static SourceFingerprint Truncate(SourceFingerprint fingerprint) => fingerprint with
    {
        LastWriteTimeUtc = Truncate(fingerprint.LastWriteTimeUtc),
        LastSeenAt = Truncate(fingerprint.LastSeenAt),
    };
}
