using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace DocPipeline.Queue;

/// <summary>
/// Names a queue run as <c>&lt;machine&gt;/&lt;pid&gt;/&lt;process start ticks&gt;/&lt;random&gt;</c>, so a later run on the
/// same machine can tell that the worker holding a lease is gone and take its jobs over at once instead of waiting
/// for the lease to expire.
/// </summary>
internal static class WorkerIdentity
{
    // Process start times are derived from the boot time on some systems and can wobble a little between reads; a
    // recycled pid starts long after the process it replaces.
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    /// <summary>A new identity for a queue run in this process.</summary>
    public static string Create()
    {
        using var process = Process.GetCurrentProcess();
        return Format(Environment.MachineName, process.Id, process.StartTime.ToUniversalTime().Ticks, Guid.NewGuid().ToString("N"));
    }

    /// <summary>Builds an identity from its parts.</summary>
    public static string Format(string machine, int processId, long startTicks, string random) =>
        string.Create(CultureInfo.InvariantCulture, $"{machine}/{processId}/{startTicks}/{random}");

    /// <summary>
    /// Whether <paramref name="owner"/> is a worker of this machine whose process is gone (no process with its pid,
    /// or one that started at another time). Unknown formats, other machines, and processes this one may not inspect
    /// count as alive: expiring a live worker's lease would run its job twice.
    /// </summary>
    public static bool IsDeadLocalWorker(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var parts = owner.Split('/');
        if (parts.Length < 4
            || !string.Equals(string.Join('/', parts[..^3]), Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            if (process.HasExited)
            {
                return true;
            }

            var started = process.StartTime.ToUniversalTime().Ticks;
            return Math.Abs(started - startTicks) > StartTimeTolerance.Ticks;
        }
        catch (ArgumentException)
        {
            // No process has that id.
            return true;
        }
        catch (InvalidOperationException)
        {
            // The process exited while we looked.
            return true;
        }
        catch (Exception ex) when (ex is Win32Exception or NotSupportedException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
