using System.Diagnostics;
using System.Globalization;

namespace DocPipeline.Monitoring;

/// <summary>Samples this process's CPU (share of one core since the last sample), resident memory, managed heap and bytes read.</summary>
internal sealed class ProcessResources
{
    private TimeSpan _lastCpu;
    private long _lastTimestamp;

    public ProcessResources()
    {
        using var process = Process.GetCurrentProcess();
        _lastCpu = process.TotalProcessorTime;
        _lastTimestamp = Stopwatch.GetTimestamp();
    }

    public (double CpuPercent, long WorkingSet, long GcHeap, long BytesRead) Sample()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = Stopwatch.GetTimestamp();
        var wall = Stopwatch.GetElapsedTime(_lastTimestamp, now);
        var percent = wall > TimeSpan.Zero ? Math.Round((cpu - _lastCpu) / wall * 100, 1) : 0;
        _lastCpu = cpu;
        _lastTimestamp = now;
        return (percent, Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false), BytesRead());
    }

    /// <summary>The bytes this process read through system calls (<c>rchar</c> of <c>/proc/self/io</c>); 0 where the platform does not tell.</summary>
    private static long BytesRead()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("rchar:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux, or not allowed: the counter stays 0.
        }

        return 0;
    }
}
