namespace DocPipeline.Registry;

/// <summary>
/// The registry as one job attempt sees it (its documents and its run generations): reads pass through; every document
/// write carries the attempt's <see cref="WriteFence"/>, which the registry checks in the write's own transaction, and
/// is refused once another attempt took the document.
/// </summary>
/// <remarks>
/// <para>Why this is enough: the new owner takes the document (a registry write) after claiming the job and before it
/// reads anything, and registry writes are serialized on the document (the SQLite writer, the PostgreSQL fence row).
/// A write of the old owner either lands before the take, so the new owner reads and cleans it up (a staged version it
/// finds pending is dropped when it stages its own), or after it, and is refused.</para>
/// <para>A registry that does not implement <see cref="IDocumentFenceStore"/> gets check-then-write: the lease is
/// confirmed with the job store before each write, which leaves the window between the check and the write.</para>
/// <para>The embedding cache is not wrapped: an attempt saves embeddings only with its chunks (a fenced stage), and
/// reads them from the cache directly.</para>
/// </remarks>
internal sealed class FencedDocumentRegistry : IDocumentRegistry, IRunGenerationStore
{
    private readonly IDocumentRegistry _inner;
    private readonly IRunGenerationStore _runs;
    private readonly IDocumentFenceStore? _fences;

    private FencedDocumentRegistry(IDocumentRegistry inner, IRunGenerationStore runs, WriteFence fence)
    {
        _inner = inner;
        _runs = runs;
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
    /// <param name="inner">The registry's documents.</param>
    /// <param name="runs">The registry's run generations (the same storage as <paramref name="inner"/>).</param>
    /// <param name="fence">The attempt's fence.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    public static async Task<FencedDocumentRegistry> TakeAsync(IDocumentRegistry inner, IRunGenerationStore runs, WriteFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(fence);
        await ConfirmAsync(fence, cancellationToken).ConfigureAwait(false);
        if (inner is IDocumentFenceStore fences)
        {
            await fences.TakeFenceAsync(fence.DocumentId, fence.Token, cancellationToken).ConfigureAwait(false);
            await ConfirmAsync(fence, cancellationToken).ConfigureAwait(false);
        }

        return new FencedDocumentRegistry(inner, runs, fence);
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

    public Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.CommitPublishedAsync(documentId, indexNames, version, seenGeneration, cancellationToken), cancellationToken);

    public Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.MarkFailedAsync(documentId, error, cancellationToken), cancellationToken);

    public Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.MarkRemovingAsync(documentId, cancellationToken), cancellationToken);

    public Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _inner.RemoveAsync(documentId, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) =>
        _inner.ResolveChunksAsync(chunkIds, cancellationToken);

    public IAsyncEnumerable<RegistryEntry> StreamEntriesAsync(CancellationToken cancellationToken = default) => _inner.StreamEntriesAsync(cancellationToken);

    public Task<long> BeginRunAsync(CancellationToken cancellationToken = default) => _runs.BeginRunAsync(cancellationToken);

    public Task MarkSeenAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _runs.MarkSeenAsync(documentIds, generation, cancellationToken), cancellationToken);

    public Task<IReadOnlySet<string>> MarkSeenAndListCommittedAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default) =>
        WriteAsync(() => _runs.MarkSeenAndListCommittedAsync(documentIds, generation, cancellationToken), cancellationToken);

    public IAsyncEnumerable<DocumentRecord> StreamNotSeenAsync(long generation, CancellationToken cancellationToken = default) =>
        _runs.StreamNotSeenAsync(generation, cancellationToken);

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
