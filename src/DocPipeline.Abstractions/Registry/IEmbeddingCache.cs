namespace DocPipeline.Registry;

/// <summary>
/// The embedding cache: chunk embeddings keyed by (embedding model, chunk text hash), so an unchanged chunk is never
/// embedded twice and every index can be rebuilt without re-embedding.
/// </summary>
/// <remarks>
/// The embeddings of a new document version are saved with its chunks, in the same step
/// (<see cref="StagedVersion.NewEmbeddings"/> passed to <see cref="IDocumentRegistry.StageAsync"/> or
/// <see cref="IDocumentRegistry.AppendStagedChunksAsync"/>); <see cref="PutEmbeddingsAsync"/> saves embeddings without a
/// document. The registries DocPipeline ships implement this contract on the same storage as
/// <see cref="IDocumentRegistry"/>, and the dependency injection container resolves both to the same instance.
/// </remarks>
public interface IEmbeddingCache
{
    /// <summary>Gets cached embeddings by chunk text hash.</summary>
    /// <param name="model">The embedding model key (model id and dimensions).</param>
    /// <param name="textHashes">The chunk text hashes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The embeddings found, keyed by text hash.</returns>
    Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> GetEmbeddingsAsync(string model, IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken = default);

    /// <summary>Saves embeddings without a document, replacing any cached under the same keys.</summary>
    /// <param name="model">The embedding model key (model id and dimensions).</param>
    /// <param name="embeddings">The embeddings, keyed by chunk text hash.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the embeddings are durable.</returns>
    Task PutEmbeddingsAsync(string model, IReadOnlyDictionary<string, ReadOnlyMemory<float>> embeddings, CancellationToken cancellationToken = default);

    /// <summary>Deletes cached embeddings that no stored chunk uses any more.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of embeddings deleted.</returns>
    Task<long> PurgeUnusedEmbeddingsAsync(CancellationToken cancellationToken = default);
}
