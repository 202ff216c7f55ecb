using System.Diagnostics;
using DocPipeline.Configuration;
using DocPipeline.Ingestion;

namespace DocPipeline.Cli;

/// <summary>
/// What a run reports beyond its counts, as <c>DocPipeline:Monitoring</c> asks: its throughput
/// (<c>PerformanceMetrics</c>) and the resources it used (<c>ResourceMonitoring</c>). Each is <see langword="null"/> when off.
/// </summary>
internal sealed record RunMonitoring(RunMonitoring.RunThroughput? Throughput, RunMonitoring.RunResources? Resources)
{
    public static RunMonitoring Measure(MonitoringOptions options, IngestResult result)
    {
        var seconds = Math.Max(result.Duration.TotalSeconds, 0.001);
        var throughput = options.PerformanceMetrics
            ? new RunThroughput(Math.Round(result.Total / seconds, 2), Math.Round(result.ChunksEmbedded / seconds, 2))
            : null;
        RunResources? resources = null;
        if (options.ResourceMonitoring)
        {
            using var process = Process.GetCurrentProcess();
            resources = new RunResources(process.PeakWorkingSet64, (long)process.TotalProcessorTime.TotalMilliseconds, GC.GetTotalMemory(forceFullCollection: false));
        }

        return new RunMonitoring(throughput, resources);
    }

    /// <summary>The lines the text output adds.</summary>
    public IEnumerable<string> Lines()
    {
        if (Throughput is { } t)
        {
            yield return $"throughput: {t.DocumentsPerSecond} documents/s, {t.ChunksEmbeddedPerSecond} chunks embedded/s";
        }

        if (Resources is { } r)
        {
            yield return $"resources: peak working set {r.PeakWorkingSetBytes / (1024 * 1024)} MiB, CPU time {r.CpuTimeMs} ms, managed heap {r.ManagedHeapBytes / (1024 * 1024)} MiB";
        }
    }

    /// <summary>Documents (sources) and embedded chunks per second of the run's duration.</summary>
    internal sealed record RunThroughput(double DocumentsPerSecond, double ChunksEmbeddedPerSecond);

    /// <summary>The process's peak working set, CPU time and managed heap at the end of the run.</summary>
    internal sealed record RunResources(long PeakWorkingSetBytes, long CpuTimeMs, long ManagedHeapBytes);
}
