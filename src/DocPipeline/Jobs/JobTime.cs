namespace DocPipeline.Jobs;

/// <summary>
/// Job stores keep times as whole unix milliseconds, so that every store rounds the same way: a time read back equals
/// the time written, and a lease never ends before it was asked to.
/// </summary>
public static class JobTime
{
    /// <summary>Converts a time to unix milliseconds (truncating below a millisecond).</summary>
    /// <param name="value">The time.</param>
    /// <returns>Milliseconds since 1970-01-01 UTC.</returns>
    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <summary>Converts unix milliseconds to a UTC time.</summary>
    /// <param name="value">Milliseconds since 1970-01-01 UTC.</param>
    /// <returns>The time, in UTC.</returns>
    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    /// <summary>Converts optional unix milliseconds to a UTC time.</summary>
    /// <param name="value">Milliseconds since 1970-01-01 UTC, or <see langword="null"/>.</param>
    /// <returns>The time, in UTC, or <see langword="null"/>.</returns>
    public static DateTimeOffset? FromUnixMs(long? value) => value is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Converts a duration to milliseconds, rounded up so a lease never ends before it was asked to.</summary>
    /// <param name="value">The duration.</param>
    /// <returns>Whole milliseconds, at least the duration.</returns>
    public static long ToMs(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);
}
