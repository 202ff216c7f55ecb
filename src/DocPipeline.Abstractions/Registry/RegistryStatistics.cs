namespace DocPipeline.Registry;

/// <summary>Counts kept by the registry.</summary>
/// <param name="Documents">Documents with a committed version.</param>
/// <param name="Chunks">Chunks of committed versions.</param>
/// <param name="PendingDocuments">Documents with a staged, uncommitted version.</param>
/// <param name="FailedDocuments">Documents whose last update failed.</param>
/// <param name="Embeddings">Embeddings in the cache.</param>
/// <param name="SizeBytes">Bytes used on disk, or -1 when unknown.</param>
public readonly record struct RegistryStatistics(long Documents, long Chunks, long PendingDocuments, long FailedDocuments, long Embeddings, long SizeBytes);
