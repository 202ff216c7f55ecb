using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DocPipeline.Sources;

/// <summary>
/// Opens sources for reading only when they are regular files. A FIFO, a socket or a device (directly or through a
/// symbolic link, such as a link to <c>/dev/zero</c>) is refused with a reason and is never read: opening a FIFO for
/// reading waits for a writer, and a device such as <c>/dev/zero</c> never ends.
/// </summary>
/// <remarks>
/// On Linux the kind is checked twice: before opening (a <c>statx</c>, which cannot block) and on the opened handle,
/// because the path may be replaced by a FIFO between the check and the open. The open itself uses <c>O_NONBLOCK</c>,
/// so even then it returns at once (the flag has no effect on reads of a regular file). Other platforms have no FIFOs
/// among files (Windows) or are opened the usual way.
/// </remarks>
internal static class SourceFile
{
    /// <summary>Tells what <paramref name="path"/> leads to (links followed), without opening it.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The kind; <see cref="SourceFileKind.Unknown"/> where the platform cannot tell or the check failed.</returns>
    public static SourceFileKind GetKind(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (LinuxFileCalls.IsSupported)
        {
            if (LinuxFileCalls.TryStat(path, out var status, out var errno))
            {
                return status.Kind;
            }

            return errno is LinuxFileCalls.NoSuchFile or LinuxFileCalls.NotADirectory ? SourceFileKind.Missing : SourceFileKind.Unknown;
        }

        if (File.Exists(path))
        {
            return SourceFileKind.Regular;
        }

        return Directory.Exists(path) ? SourceFileKind.Directory : SourceFileKind.Missing;
    }

    /// <summary>Resolves every symbolic link in <paramref name="path"/>: the canonical path of what it leads to.</summary>
    /// <param name="path">The full path.</param>
    /// <param name="error">Why it cannot be resolved (a dangling link, a link cycle), when the result is <see langword="null"/>.</param>
    /// <returns>The canonical path, or <see langword="null"/>.</returns>
    public static string? GetRealPath(string path, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (LinuxFileCalls.IsSupported)
        {
            var real = LinuxFileCalls.RealPath(path, out var errno);
            error = real is not null ? null : errno switch
            {
                LinuxFileCalls.NoSuchFile or LinuxFileCalls.NotADirectory => $"it leads to '{LinkTarget(path)}', which does not exist (a dangling link)",
                LinuxFileCalls.TooManyLinks => "it leads back to itself (a link cycle)",
                LinuxFileCalls.AccessDenied => "permission denied while following it",
                _ => Marshal.GetPInvokeErrorMessage(errno),
            };
            return real;
        }

        try
        {
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true) ?? new FileInfo(path);
            error = target.Exists || Directory.Exists(target.FullName) ? null : $"it leads to '{target.FullName}', which does not exist (a dangling link)";
            return error is null ? Path.GetFullPath(target.FullName) : null;
        }
        catch (IOException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Describes a kind of file for a user: "a FIFO (named pipe)", "a character device", ….</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The description, with its article.</returns>
    public static string Describe(SourceFileKind kind) => kind switch
    {
        SourceFileKind.Regular => "a regular file",
        SourceFileKind.Directory => "a folder",
        SourceFileKind.Fifo => "a FIFO (named pipe)",
        SourceFileKind.Socket => "a socket",
        SourceFileKind.CharacterDevice => "a character device",
        SourceFileKind.BlockDevice => "a block device",
        SourceFileKind.Missing => "nothing (it does not exist)",
        _ => "not a regular file",
    };

    /// <summary>Says why a source that is not a regular file is not read.</summary>
    /// <param name="path">The source.</param>
    /// <param name="kind">What it is.</param>
    /// <returns>The reason, naming the source and what it is.</returns>
    public static string NotRegularReason(string path, SourceFileKind kind) =>
        $"'{path}' is {Describe(kind)}, not a regular file; DocPipeline reads only regular files.";

    /// <summary>Opens a source for one sequential read, refusing anything but a regular file without blocking.</summary>
    /// <param name="path">The full path; symbolic links are followed.</param>
    /// <param name="options">The file options (<see cref="FileOptions.SequentialScan"/>, <see cref="FileOptions.Asynchronous"/>) for platforms that open the usual way.</param>
    /// <param name="bufferSize">The <see cref="FileStream"/> buffer size (0 for none).</param>
    /// <returns>The stream; the caller disposes it.</returns>
    /// <exception cref="NotRegularFileException">The path leads to a FIFO, a socket, a device or a folder.</exception>
    /// <exception cref="FileNotFoundException">There is no file at the path.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder of the path does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Another error of the operating system.</exception>
    public static FileStream OpenRead(string path, FileOptions options, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!LinuxFileCalls.IsSupported)
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = bufferSize,
                Options = options,
            });
        }

        // Checked before opening too: opening some devices has effects of its own (a tape rewinds), so they are not opened at all.
        var kind = GetKind(path);
        if (kind is not (SourceFileKind.Regular or SourceFileKind.Missing or SourceFileKind.Unknown))
        {
            throw new NotRegularFileException(NotRegularReason(path, kind));
        }

        var fd = LinuxFileCalls.OpenNonBlocking(path, out var errno);
        if (fd < 0)
        {
            throw OpenError(path, errno);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // Again on the handle: the path may have been swapped for a FIFO or a link to a device since the check.
            if (!LinuxFileCalls.TryStat(fd, out var status, out errno))
            {
                throw OpenError(path, errno);
            }

            if (status.Kind != SourceFileKind.Regular)
            {
                throw new NotRegularFileException(NotRegularReason(path, status.Kind));
            }

            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>The exception .NET itself would throw for an <c>errno</c> of <c>open</c> or <c>stat</c>, so callers catch the usual types.</summary>
    /// <param name="path">The path.</param>
    /// <param name="errno">The error.</param>
    /// <returns>The exception to throw.</returns>
    internal static Exception OpenError(string path, int errno) => errno switch
    {
        LinuxFileCalls.NoSuchFile => new FileNotFoundException($"Could not find file '{path}'.", path),
        LinuxFileCalls.NotADirectory => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        LinuxFileCalls.AccessDenied or LinuxFileCalls.NotPermitted => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),

        // open(2) answers ENXIO for a socket; say what it is.
        LinuxFileCalls.NoDevice => new NotRegularFileException(NotRegularReason(path, GetKind(path) is var kind && kind != SourceFileKind.Missing ? kind : SourceFileKind.Socket)),
        LinuxFileCalls.TooManyLinks => new IOException($"'{path}' is a symbolic link that leads back to itself (too many levels of symbolic links)."),
        _ => new IOException(string.Create(CultureInfo.InvariantCulture, $"Cannot open '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})."), errno),
    };
}
