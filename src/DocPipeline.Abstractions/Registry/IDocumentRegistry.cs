namespace DocPipeline.Registry;

/// <summary>
/// The source of truth: documents, their versions and their chunks, and which version each index holds. Every index is
/// a projection of the registry and can be rebuilt from it (with the embeddings of <see cref="IEmbeddingCache"/>)
/// without re-embedding.
/// </summary>
/// <remarks>
/// <para>The other parts of the registry are separate contracts: <see cref="IEmbeddingCache"/> (the chunk embeddings),
/// <see cref="IRunGenerationStore"/> (which run saw which document) and <see cref="ISettingsStore"/> (registry-wide
/// settings). A registry implements all four on one storage; the dependency injection container resolves each to the
/// same instance.</para>
/// <para>
/// A document update follows a fixed order that never loses the served version: <see cref="StageAsync"/> stores the
/// new version's chunks and embeddings, the indexes receive them, <see cref="SetIndexVersionsAsync"/> records
/// that, the indexes drop chunks that disappeared, and <see cref="CommitAsync"/> makes the new version the current
/// one and drops the old version's rows. Until then the old version stays readable.</para>
/// </remarks>
public interface IDocumentRegistry
{
    /// <summary>Gets a document.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The document, or <see langword="null"/> when unknown.</returns>
    Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Gets many documents in one round trip.</summary>
    /// <param name="documentIds">The document ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The documents found, keyed by id.</returns>
    Task<IReadOnlyDictionary<string, DocumentRecord>> GetManyAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default);

    /// <summary>Lists documents ordered by id, one page at a time.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The page.</returns>
    Task<IReadOnlyList<DocumentRecord>> ListAsync(DocumentQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets the chunks of one version of a document (committed or staged), in order.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The chunks; empty when the version is not stored.</returns>
    Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new version (chunks and new embeddings) without touching the committed one. Registers the document
    /// when it is new. Staging the same version again replaces what was staged.
    /// </summary>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the version is durable.</returns>
    Task StageAsync(StagedVersion version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds chunks (and their new embeddings) to the version staged by <see cref="StageAsync"/>, so a large version is
    /// stored in batches. Pass the same document members as to <see cref="StageAsync"/>. The default implementation
    /// stages the whole version again (its cost grows with every batch); implementations should override it.
    /// </summary>
    /// <param name="version">The chunks to add, none of which is staged yet.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the chunks are durable.</returns>
    /// <exception cref="InvalidOperationException">That version is no longer the staged one (committed or superseded).</exception>
    async Task AppendStagedChunksAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var document = await GetAsync(version.DocumentId, cancellationToken).ConfigureAwait(false);
        if (document?.PendingVersion != version.Version)
        {
            throw new InvalidOperationException(
                $"Cannot add chunks to version {version.Version} of document '{version.DocumentId}': it is not the staged version.");
        }

        var staged = await GetChunksAsync(version.DocumentId, version.Version, cancellationToken).ConfigureAwait(false);
        await StageAsync(version with { Chunks = [.. staged, .. version.Chunks] }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gets one page of the chunks of one version of a document, ordered by chunk id, so a large version can be read
    /// in batches. The default implementation reads the whole version; implementations should override it.
    /// </summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="version">The version.</param>
    /// <param name="afterChunkId">The last chunk id of the previous page, or <see langword="null"/> for the first page.</param>
    /// <param name="limit">The most chunks to return.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The chunks whose id follows <paramref name="afterChunkId"/>; fewer than <paramref name="limit"/> on the last page.</returns>
    async Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, string? afterChunkId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var chunks = await GetChunksAsync(documentId, version, cancellationToken).ConfigureAwait(false);
        return chunks
            .Where(c => afterChunkId is null || string.CompareOrdinal(c.ChunkId, afterChunkId) > 0)
            .OrderBy(c => c.ChunkId, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
    }

    /// <summary>Records the version that indexes now hold for a document.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="indexNames">The indexes (for example <c>vector</c>, <c>keyword</c>).</param>
    /// <param name="version">The version they hold.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    Task SetIndexVersionsAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, CancellationToken cancellationToken = default);

    /// <summary>Makes a staged version the committed one and drops the rows of every other version.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="version">The staged version.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when that version is not staged (already committed or superseded).</returns>
    Task<bool> CommitAsync(string documentId, int version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a staged version in one write: does what <see cref="SetIndexVersionsAsync"/> and
    /// <see cref="CommitAsync"/> do and, when <paramref name="seenGeneration"/> is above zero, records that run as the
    /// document's <see cref="DocumentRecord.LastSeenRun"/> (never lowering it), all in one transaction. Used for a
    /// document without an earlier committed version, whose commit needs no cleanup in between: during a large ingestion
    /// run the registry's writer is the busiest part, and one write per new document instead of three lightens it.
    /// </summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="indexNames">The indexes that hold the version (for example <c>vector</c>, <c>keyword</c>).</param>
    /// <param name="version">The staged version.</param>
    /// <param name="seenGeneration">The ingestion run that saw the document's source, or 0 for none.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when that version is not staged (already committed or superseded); nothing is changed then.</returns>
    Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken = default);

    /// <summary>Records that the last update of a document failed; the committed version stays served.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="error">The error.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default);

    /// <summary>Marks a document as being removed (so a crash half-way is finished by resume or repair).</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the document is unknown.</returns>
    Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document and all of its chunks from the registry.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the document was unknown.</returns>
    Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Finds chunks by id for search results. When a chunk exists in two versions, the newest wins.</summary>
    /// <param name="chunkIds">The chunk ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The chunks found, keyed by chunk id.</returns>
    Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default);

    /// <summary>Streams the (chunk, document, revision) set of every committed version, ordered by chunk id.</summary>
    /// <param name="cancellationToken">A token to cancel the enumeration.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<RegistryEntry> StreamEntriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets counts.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The counts.</returns>
    Task<RegistryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);
}
