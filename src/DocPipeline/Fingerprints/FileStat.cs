using DocPipeline.Sources;

namespace DocPipeline.Fingerprints;

/// <summary>What a <c>stat</c> tells about a file: enough for the quick check.</summary>
/// <param name="Length">The size in bytes.</param>
/// <param name="LastWriteTimeUtc">The last-write time, in UTC.</param>
internal readonly record struct FileStat(long Length, DateTimeOffset LastWriteTimeUtc)
{
    /// <summary>Gets what the path leads to; only a <see cref="SourceFileKind.Regular"/> file is hashed.</summary>
    public SourceFileKind Kind { get; init; } = SourceFileKind.Regular;
}
