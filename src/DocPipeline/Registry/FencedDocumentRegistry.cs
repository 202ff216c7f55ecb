namespace DocPipeline.Registry;

/// <summary>
/// The registry as one job attempt sees it: reads pass through; every document write carries the attempt's
/// <see cref="WriteFence"/>, which the registry checks in the write's own transaction, and is refused once another
/// attempt took the document.
/// </summary>
/// <remarks>
/// <para>Why this is enough: the new owner takes the document (a registry write) after claiming the job and before it
/// reads anything, and registry writes are serialized on the document (the SQLite writer, the PostgreSQL fence row).
/// A write of the old owner either lands before the take, so the new owner reads and cleans it up (a staged version it
/// finds pending is dropped when it stages its own), or after it, and is refused.</para>
/// <para>A registry that does not implement <see cref="IDocumentFenceStore"/> gets check-then-write: the lease is
/// confirmed with the job store before each write, which leaves the window between the check and the write.</para>
/// </remarks>
internal sealed class FencedDocumentRegistry : IDocumentRegistry, IPublishCommitRegistry
{
    private readonly IDocumentRegistry _inner;
    private readonly IDocumentFenceStore? _fences;

    private FencedDocumentRegistry(IDocumentRegistry inner, WriteFence fence)
    {
        _inner = inner;
        _fences = inner as IDocumentFenceStore;
        Fence = fence;
    }

    /// <summary>Gets the fence every write carries.</summary>
    public WriteFence Fence { get; }

    /// <summary>
    /// Takes <paramref name="fence"/>'s document for its attempt: confirms the lease with the job store, records the
    /// attempt as the document's owner in the registry, and confirms the lease again. After the second confirmation no
    /// earlier owner can write: if another worker claimed the job in between, this attempt stops before writing anything.
    /// </summary>
    /// <exception cref="Jobs.JobLeaseLostException">The lease is no longer held.</exception>
    public static async Task<FencedDocumentRegistry> TakeAsync(IDocumentRegistry inner, WriteFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(fence);
        await ConfirmAsync(fence, cancellationToken).ConfigureAwait(false);
        if (inner is IDocumentFenceStore fences)
        {
            await fences.TakeFenceAsync(fence.DocumentId, fence.Token, cancellationToken).ConfigureAwait(false);
            await ConfirmAsync(fence, cancellationToken).ConfigureAwait(false);
        }

        return new FencedDocumentRegistry(inner, fence);
    }

    /// <summary>Checks, without writing, that the attempt still owns the document (before a write the registry cannot fence, such as an index write).</summary>
    /// <exception cref="Jobs.JobLeaseLostException">Another attempt took the document, or the lease is gone.</exception>
    public async Task EnsureHeldAsync(CancellationToken cancellationToken)
    {
        if (Fence.LostLocally)
        {
            throw Fence.Refused();
        }

        if (_fences is null)
        {
            await ConfirmAsync(Fence, cancellationToken).ConfigureAwait(false);
        }
        else if (!await _fences.HoldsFenceAsync(Fence.DocumentId, Fence.Token, cancellationToken).ConfigureAwait(false))
        {
            throw Fence.Refused();
        }
    }

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default) => _inner.GetAsync(documentId, cancellationToken);

    public Task<IReadOnlyDictionary<string, DocumentRecord>> GetManyAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) =>
        _inner.GetManyAsync(documentIds, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(DocumentQuery query, CancellationToken cancellationToken = default) => _inner.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, CancellationToken cancellationToken = default) =>
        _inner.GetChunksAsync(documentId, version, cancellationToken);

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, string? afterChunkId, int limit, CancellationToken cancellationToken = default) =>
        _inner.GetChunksAsync(documentId, version, afterChunkId, limit, cancellationToken);

    public Task StageAsync(StagedVersion version, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.StageAsync(version, cancellationToken), cancellationToken);

    public Task AppendStagedChunksAsync(StagedVersion version, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.AppendStagedChunksAsync(version, cancellationToken), cancellationToken);

    public Task SetIndexVersionsAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.SetIndexVersionsAsync(documentId, indexNames, version, cancellationToken), cancellationToken);

    public Task<bool> CommitAsync(string documentId, int version, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.CommitAsync(documentId, version, cancellationToken), cancellationToken);

    public async Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken)
    {
        if (_inner is IPublishCommitRegistry publisher)
        {
            return await WriteAsync(() => publisher.CommitPublishedAsync(documentId, indexNames, version, seenGeneration, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        await SetIndexVersionsAsync(documentId, indexNames, version, cancellationToken).ConfigureAwait(false);
        var committed = await CommitAsync(documentId, version, cancellationToken).ConfigureAwait(false);
        if (committed && seenGeneration > 0)
        {
            await MarkSeenAsync([documentId], seenGeneration, cancellationToken).ConfigureAwait(false);
        }

        return committed;
    }

    public Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.MarkFailedAsync(documentId, error, cancellationToken), cancellationToken);

    public Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.MarkRemovingAsync(documentId, cancellationToken), cancellationToken);

    public Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.RemoveAsync(documentId, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> GetEmbeddingsAsync(string model, IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken = default) =>
        _inner.GetEmbeddingsAsync(model, textHashes, cancellationToken);

    public Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) =>
        _inner.ResolveChunksAsync(chunkIds, cancellationToken);

    public IAsyncEnumerable<RegistryEntry> StreamEntriesAsync(CancellationToken cancellationToken = default) => _inner.StreamEntriesAsync(cancellationToken);

    public Task<long> BeginRunAsync(CancellationToken cancellationToken = default) => _inner.BeginRunAsync(cancellationToken);

    public Task MarkSeenAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.MarkSeenAsync(documentIds, generation, cancellationToken), cancellationToken);

    public IAsyncEnumerable<DocumentRecord> StreamNotSeenAsync(long generation, CancellationToken cancellationToken = default) =>
        _inner.StreamNotSeenAsync(generation, cancellationToken);

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default) => _inner.GetSettingAsync(key, cancellationToken);

    public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default) => _inner.SetSettingAsync(key, value, cancellationToken);

    public Task<long> PurgeUnusedEmbeddingsAsync(CancellationToken cancellationToken = default) => _inner.PurgeUnusedEmbeddingsAsync(cancellationToken);

    public Task<RegistryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => _inner.GetStatisticsAsync(cancellationToken);

    private static async Task ConfirmAsync(WriteFence fence, CancellationToken cancellationToken)
    {
        if (fence.LostLocally || !await fence.ConfirmLeaseAsync(cancellationToken).ConfigureAwait(false))
        {
            throw fence.Refused();
        }
    }

    private async Task WriteAsync(Func<Task> write, CancellationToken cancellationToken) =>
        await WriteAsync(async () =>
        {
            await write().ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        if (_fences is null)
        {
            // Not the fence's registry (for example one that wraps it): its inner registry never saw the take, so the
            // fence must not reach it; check the lease, then write.
            await ConfirmAsync(Fence, cancellationToken).ConfigureAwait(false);
            return await write().ConfigureAwait(false);
        }

        if (Fence.LostLocally)
        {
            throw Fence.Refused();
        }

        // The registry reads the fence when the call starts and checks it inside the write's transaction.
        using (Fence.Enter())
        {
            return await write().ConfigureAwait(false);
        }
    }
}
