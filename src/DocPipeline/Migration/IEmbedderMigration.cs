using Microsoft.Extensions.AI;

namespace DocPipeline.Migration;

/// <summary>
/// Changes a data folder's embedding model without downtime: builds a second vector generation for the new model from
/// the chunks in the registry (no extraction, no chunking) while the old one keeps serving, switches to it in one
/// atomic registry write when it is complete and verified, and can switch back until the old one is cleaned up.
/// </summary>
/// <remarks>
/// The vector index must implement <see cref="Indexing.IVectorIndexGenerations"/> (the embedded index and Qdrant do).
/// Processes pick their vector generation when they start, from the embedder they are configured with: a process
/// started with the old embedder keeps searching the old generation until cleanup; ingestion always needs the
/// embedder the data folder records.
/// </remarks>
public interface IEmbedderMigration
{
    /// <summary>Reads where the migration stands.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The status; <see cref="EmbedderMigrationState.None"/> when no migration was started.</returns>
    Task<EmbedderMigrationStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a migration to <paramref name="target"/>, or resumes the one to the same model from its cursor; then
    /// catches up with documents changed meanwhile, verifies the new generation against the registry and switches.
    /// </summary>
    /// <param name="target">The new embedder.</param>
    /// <param name="progress">Receives the status after each batch, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the build; a cancelled build resumes where it stopped.</param>
    /// <returns>The status after the switch.</returns>
    /// <exception cref="InvalidOperationException">Another migration is under way, the target is the serving embedder, or the vector index has no generations.</exception>
    Task<EmbedderMigrationStatus> MigrateAsync(IEmbeddingGenerator<string, Embedding<float>> target, IProgress<EmbedderMigrationStatus>? progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Switches back to the embedder the migration came from: catches its generation up with documents changed since
    /// the switch (from the embedding cache where it can), verifies it, and switches in one atomic write.
    /// </summary>
    /// <param name="source">The embedder the migration came from (the one that made the old generation).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The status after the rollback.</returns>
    /// <exception cref="InvalidOperationException">No switched migration to roll back, or its old generation was cleaned up.</exception>
    Task<EmbedderMigrationStatus> RollbackAsync(IEmbeddingGenerator<string, Embedding<float>> source, CancellationToken cancellationToken = default);

    /// <summary>Deletes the vector generation that does not serve (after a switch: the old one; after a rollback or during a build: the new one).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The status after the cleanup.</returns>
    Task<EmbedderMigrationStatus> CleanupAsync(CancellationToken cancellationToken = default);
}
