namespace DocPipeline.Jobs;

/// <summary>Job stores keep times as unix milliseconds, so that every store rounds the same way.</summary>
internal static class JobTime
{
    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromUnixMs(long? value) => value is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Milliseconds of a duration, rounded up so a lease never ends before it was asked to.</summary>
    public static long ToMs(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);
}
