namespace DocPipeline.Indexing;

/// <summary>
/// An optional capability of a vector index: named generations of it side by side (for example one per embedding
/// model), so that a new generation is built beside the one that serves and then switched to. A vector index that
/// implements it can take part in an embedder migration; DocPipeline finds it with a type test on the interface, never
/// on a concrete index class.
/// </summary>
/// <remarks>
/// The generation named <see langword="null"/> is the index as first configured (the embedded <c>vectors</c> folder,
/// or the configured Qdrant collection). Which generation a process serves is decided when the index is created, from
/// the registry's migration record and the process's embedder.
/// </remarks>
public interface IVectorIndexGenerations
{
    /// <summary>Gets the generation this instance serves, or <see langword="null"/> for the original one.</summary>
    string? Generation { get; }

    /// <summary>Opens an index over another generation beside this one; it is created by its first write.</summary>
    /// <param name="generation">The generation name (letters, digits and dashes), or <see langword="null"/> for the original one.</param>
    /// <returns>A new index instance; the caller disposes it when it implements <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.</returns>
    IVectorIndex OpenGeneration(string? generation);

    /// <summary>Deletes a generation's data. The generation this instance serves cannot be deleted.</summary>
    /// <param name="generation">The generation name, or <see langword="null"/> for the original one.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the data is gone.</returns>
    Task DeleteGenerationAsync(string? generation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="generation"/> the one that outside readers of the backend see (for example a Qdrant alias);
    /// a backend without such a name does nothing.
    /// </summary>
    /// <param name="generation">The generation name, or <see langword="null"/> for the original one.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the change is visible.</returns>
    Task PublishGenerationAsync(string? generation, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
