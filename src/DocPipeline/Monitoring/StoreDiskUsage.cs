namespace DocPipeline.Monitoring;

/// <summary>The disk one store of the data folder uses.</summary>
/// <param name="Store">The store: jobs, fingerprints, registry, vector or keyword.</param>
/// <param name="Path">Where it lives.</param>
/// <param name="Bytes">Its size on disk (with its journal files), in bytes.</param>
public sealed record StoreDiskUsage(string Store, string Path, long Bytes);
