using System.Runtime.InteropServices;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// Makes FIFOs for tests, and keeps a test that would block on one from hanging: opening a FIFO for reading waits for
/// a writer, so a regression would block a thread forever. <see cref="WithinAsync{T}"/> fails the test instead, and
/// releases the blocked reader so the test process can end.
/// </summary>
internal static class SpecialFiles
{
    /// <summary>How long a run may take before it is taken for blocked on a FIFO (generous: the machine may be loaded).</summary>
    private static readonly TimeSpan HangTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Gets why FIFOs cannot be tested here, or <see langword="null"/>.</summary>
    public static string? Unsupported => OperatingSystem.IsLinux() ? null : "FIFOs and the non-blocking open are tested on Linux.";

    /// <summary>Creates a FIFO (named pipe) at <paramref name="path"/>.</summary>
    public static string MakeFifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (MakeFifo(path, 0b110_110_110) != 0)
        {
            throw new IOException($"mkfifo '{path}' failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        return path;
    }

    /// <summary>Awaits <paramref name="task"/>; when it has not finished in minutes, something blocks on one of the FIFOs: fail.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, params string[] fifos)
    {
        try
        {
            return await task.WaitAsync(HangTimeout);
        }
        catch (TimeoutException)
        {
            foreach (var fifo in fifos)
            {
                Release(fifo);
            }

            throw new Xunit.Sdk.XunitException($"The run did not finish within {HangTimeout}: a thread is blocked opening a FIFO ({string.Join(", ", fifos)}).");
        }
    }

    /// <summary>Unblocks a reader waiting in open() on the FIFO (a writer appears and leaves), and removes the FIFO so none waits again.</summary>
    private static void Release(string fifo)
    {
        const int WriteOnlyNonBlocking = 0x1 | 0x800;
        var fd = Open(fifo, WriteOnlyNonBlocking);
        File.Delete(fifo);
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
