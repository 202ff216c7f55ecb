namespace DocPipeline.Monitoring;

/// <summary>Throughput over a window that ends now.</summary>
/// <param name="WindowMinutes">The window: 1, 5 or 15 minutes.</param>
/// <param name="DocumentsPerSecond">Jobs completed per second.</param>
/// <param name="ChunksPerSecond">Chunks embedded or reused per second.</param>
/// <param name="Failed">Jobs that failed for good in the window.</param>
public sealed record Throughput(int WindowMinutes, double DocumentsPerSecond, double ChunksPerSecond, long Failed);
