using DocPipeline.Sources;

namespace DocPipeline.Fingerprints;

/// <summary>
/// The real file system: one <c>stat</c> per <see cref="GetStat"/> (which also tells a FIFO, socket or device from a
/// regular file), an unbuffered sequential read stream per <see cref="OpenRead"/> that never blocks on a FIFO.
/// </summary>
internal sealed class PhysicalFingerprintFileSystem : IFingerprintFileSystem
{
    public FileStat? GetStat(string path)
    {
        if (LinuxFileCalls.IsSupported)
        {
            // One statx gives the type besides size and time: a FIFO is told apart without a second system call.
            if (LinuxFileCalls.TryStat(path, out var status, out var errno))
            {
                return status.Kind == SourceFileKind.Directory
                    ? null
                    : new FileStat(status.Length, status.LastWriteTimeUtc) { Kind = status.Kind };
            }

            return errno switch
            {
                LinuxFileCalls.NoSuchFile or LinuxFileCalls.NotADirectory or LinuxFileCalls.AccessDenied or LinuxFileCalls.NameTooLong => null,
                _ => throw new IOException(SourceFile.OpenError(path, errno).Message),
            };
        }

        var info = new FileInfo(path);
        return info.Exists ? new FileStat(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : null;
    }

    // The hasher reads in large blocks already; a FileStream buffer would only add a copy. Reads are blocking (see
    // ContentHasher.Hash), so the handle is not opened for overlapped I/O.
    public Stream OpenRead(string path) => SourceFile.OpenRead(path, FileOptions.SequentialScan, bufferSize: 0);
}
