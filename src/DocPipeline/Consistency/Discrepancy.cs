namespace DocPipeline.Consistency;

/// <summary>One index entry that differs from the registry.</summary>
/// <param name="Index">The position of the index in the scan's list.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document: the registry's, or the index's for an orphan.</param>
/// <param name="Revision">The version the registry expects, or 0 for an orphan.</param>
internal readonly record struct Discrepancy(int Index, DiscrepancyKind Kind, string ChunkId, string DocumentId, int Revision);
