namespace DocPipeline.Fingerprints;

/// <summary>The real file system: one <c>stat</c> per <see cref="GetStat"/>, an unbuffered sequential read stream per <see cref="OpenRead"/>.</summary>
internal sealed class PhysicalFingerprintFileSystem : IFingerprintFileSystem
{
    private static readonly FileStreamOptions ReadOptions = new()
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,

        // Never lock writers or deleters out because a file is being hashed.
        Share = FileShare.ReadWrite | FileShare.Delete,

        // The hasher reads in large blocks already; a FileStream buffer would only add a copy. Reads are blocking
        // (see ContentHasher.Hash), so the handle is not opened for overlapped I/O.
        BufferSize = 0,
        Options = FileOptions.SequentialScan,
    };

    public FileStat? GetStat(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStat(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : null;
    }

    public Stream OpenRead(string path) => new FileStream(path, ReadOptions);
}
