using System.Runtime.InteropServices;

namespace DocPipeline.Sources;

/// <summary>
/// The Linux system calls that .NET does not expose: <c>open</c> with <c>O_NONBLOCK</c> (so that opening a FIFO never
/// waits for a writer), <c>statx</c> for the type of a file, by path or on an open descriptor, and <c>realpath</c>. <c>struct statx</c>
/// has the same layout on every Linux architecture, unlike <c>struct stat</c>.
/// </summary>
internal static unsafe partial class LinuxFileCalls
{
    private const int ReadOnlyNonBlocking = 0x800 /* O_NONBLOCK */ | 0x100 /* O_NOCTTY */ | 0x80000 /* O_CLOEXEC */;
    private const int AtCurrentDirectory = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const uint StatxModifiedTime = 0x40;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int ModifiedTimeOffset = 112;

    /// <summary>The <c>errno</c> values the callers tell apart.</summary>
    internal const int NoSuchFile = 2, NoDevice = 6, AccessDenied = 13, NotADirectory = 20, NameTooLong = 36, TooManyLinks = 40, NotPermitted = 1;

    /// <summary>
    /// Gets a value indicating whether these calls can be made: on Linux, with a C library that has <c>statx</c>
    /// (glibc 2.28, musl 1.2.5). Without it, sources are opened the way .NET opens files.
    /// </summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Opens <paramref name="path"/> for reading without blocking (<c>O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC</c>).</summary>
    /// <param name="path">The path; symbolic links are followed.</param>
    /// <param name="errno">The error when the result is negative.</param>
    /// <returns>The descriptor, or -1.</returns>
    public static int OpenNonBlocking(string path, out int errno)
    {
        var fd = Open(path, ReadOnlyNonBlocking);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Reads the type, size and last-write time of what <paramref name="path"/> leads to (links followed).</summary>
    /// <param name="path">The path.</param>
    /// <param name="status">The result, when the call succeeds.</param>
    /// <param name="errno">The error, when it fails.</param>
    /// <returns><see langword="true"/> when the call succeeded.</returns>
    public static bool TryStat(string path, out Status status, out int errno) => TryStatx(AtCurrentDirectory, path, 0, out status, out errno);

    /// <summary>Reads the type, size and last-write time of an open descriptor.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="status">The result, when the call succeeds.</param>
    /// <param name="errno">The error, when it fails.</param>
    /// <returns><see langword="true"/> when the call succeeded.</returns>
    public static bool TryStat(int fd, out Status status, out int errno) => TryStatx(fd, string.Empty, AtEmptyPath, out status, out errno);

    private static bool TryStatx(int directory, string path, int flags, out Status status, out int errno)
    {
        var buffer = stackalloc byte[StatxBufferSize];
        if (Statx(directory, path, flags, StatxType | StatxSize | StatxModifiedTime, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            status = default;
            return false;
        }

        errno = 0;
        var mode = *(ushort*)(buffer + ModeOffset);
        var seconds = *(long*)(buffer + ModifiedTimeOffset);
        var nanoseconds = *(uint*)(buffer + ModifiedTimeOffset + 8);
        status = new Status(
            KindOf(mode),
            (long)*(ulong*)(buffer + SizeOffset),
            DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100)));
        return true;
    }

    /// <summary>Resolves every symbolic link, <c>.</c> and <c>..</c> of <paramref name="path"/> (<c>realpath</c>).</summary>
    /// <param name="path">The path.</param>
    /// <param name="errno">The error when the result is <see langword="null"/>: the target does not exist (<c>ENOENT</c>), a link cycle (<c>ELOOP</c>), ….</param>
    /// <returns>The canonical path, or <see langword="null"/>.</returns>
    public static string? RealPath(string path, out int errno)
    {
        var resolved = RealPath(path, null);
        if (resolved is null)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        try
        {
            errno = 0;
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            // realpath allocates with malloc; NativeMemory.Free is free.
            NativeMemory.Free(resolved);
        }
    }

    private static bool Probe()
    {
        try
        {
            return TryStat("/", out _, out _);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private static SourceFileKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => SourceFileKind.Regular,
        0x4000 => SourceFileKind.Directory,
        0x1000 => SourceFileKind.Fifo,
        0xC000 => SourceFileKind.Socket,
        0x2000 => SourceFileKind.CharacterDevice,
        0x6000 => SourceFileKind.BlockDevice,
        _ => SourceFileKind.Unknown,
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* RealPath(string path, byte* resolved);

    /// <summary>What <c>statx</c> told about a file.</summary>
    /// <param name="Kind">The type of file.</param>
    /// <param name="Length">The size in bytes.</param>
    /// <param name="LastWriteTimeUtc">The last-write time.</param>
    internal readonly record struct Status(SourceFileKind Kind, long Length, DateTimeOffset LastWriteTimeUtc);
}
