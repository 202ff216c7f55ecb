using DocPipeline.Registry;

namespace DocPipeline.Tests.Ingestion;

/// <summary>The real registry, failing before a commit when the injector says.</summary>
internal sealed class FaultyRegistry(IDocumentRegistry inner, FaultInjector faults) : IDocumentRegistry
{
    public async Task<bool> CommitAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        await faults.HitAsync(FaultPoint.BeforeRegistryCommit);
        return await inner.CommitAsync(documentId, version, cancellationToken);
    }

    public async Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken = default)
    {
        await faults.HitAsync(FaultPoint.BeforeRegistryCommit);
        return await inner.CommitPublishedAsync(documentId, indexNames, version, seenGeneration, cancellationToken);
    }

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default) => inner.GetAsync(documentId, cancellationToken);

    public Task<IReadOnlyDictionary<string, DocumentRecord>> GetManyAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) => inner.GetManyAsync(documentIds, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(DocumentQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    public async Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        await faults.HitAsync(FaultPoint.BeforeChunksRead);
        return await inner.GetChunksAsync(documentId, version, cancellationToken);
    }

    public Task StageAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        faults.Written(version.Chunks.Count);
        return inner.StageAsync(version, cancellationToken);
    }

    public Task AppendStagedChunksAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        faults.Written(version.Chunks.Count);
        return inner.AppendStagedChunksAsync(version, cancellationToken);
    }

    public async Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, string? afterChunkId, int limit, CancellationToken cancellationToken = default)
    {
        await faults.HitAsync(FaultPoint.BeforeChunksRead);
        return await inner.GetChunksAsync(documentId, version, afterChunkId, limit, cancellationToken);
    }

    public Task SetIndexVersionsAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, CancellationToken cancellationToken = default) => inner.SetIndexVersionsAsync(documentId, indexNames, version, cancellationToken);

    public Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default) => inner.MarkFailedAsync(documentId, error, cancellationToken);

    public Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default) => inner.MarkRemovingAsync(documentId, cancellationToken);

    public Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default) => inner.RemoveAsync(documentId, cancellationToken);

    public Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) => inner.ResolveChunksAsync(chunkIds, cancellationToken);

    public IAsyncEnumerable<RegistryEntry> StreamEntriesAsync(CancellationToken cancellationToken = default) => inner.StreamEntriesAsync(cancellationToken);

    public Task<RegistryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => inner.GetStatisticsAsync(cancellationToken);
}
