namespace DocPipeline.Indexing;

/// <summary>Size figures of an index.</summary>
/// <param name="Entries">The number of chunk entries.</param>
/// <param name="Documents">The number of distinct documents, or -1 when the index cannot tell cheaply.</param>
/// <param name="SizeBytes">The bytes used on disk (or an estimate for servers), or -1 when unknown.</param>
public readonly record struct IndexStatistics(long Entries, long Documents, long SizeBytes);
