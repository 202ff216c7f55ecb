namespace DocPipeline.Registry;

/// <summary>
/// Run generations: each ingestion run takes a generation and records which documents' sources it saw
/// (<see cref="DocumentRecord.LastSeenRun"/>), so the documents whose source disappeared can be listed and removed.
/// </summary>
/// <remarks>
/// The registries DocPipeline ships implement this contract on the same storage as <see cref="IDocumentRegistry"/>,
/// and the dependency injection container resolves both to the same instance.
/// </remarks>
public interface IRunGenerationStore
{
    /// <summary>Starts an ingestion run and returns its generation, larger than every earlier one.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The run generation.</returns>
    Task<long> BeginRunAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a run saw the sources of these documents (a document's <see cref="DocumentRecord.LastSeenRun"/>
    /// never goes down; unknown ids are ignored). The default implementation calls
    /// <see cref="MarkSeenAndListCommittedAsync"/>; implementations may override it with a write that returns nothing.
    /// </summary>
    /// <param name="documentIds">The document ids.</param>
    /// <param name="generation">The run generation.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    Task MarkSeenAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default) =>
        MarkSeenAndListCommittedAsync(documentIds, generation, cancellationToken);

    /// <summary>
    /// Does what <see cref="MarkSeenAsync"/> does and, from the same write, says which of the documents have a
    /// committed version: what lets a re-run trust an unchanged fingerprint without a registry read of its own.
    /// </summary>
    /// <param name="documentIds">The document ids.</param>
    /// <param name="generation">The run generation.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The ids, among <paramref name="documentIds"/>, of the documents with a committed version.</returns>
    Task<IReadOnlySet<string>> MarkSeenAndListCommittedAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default);

    /// <summary>Streams documents whose source was not seen by the run <paramref name="generation"/>.</summary>
    /// <param name="generation">The run generation.</param>
    /// <param name="cancellationToken">A token to cancel the enumeration.</param>
    /// <returns>The documents, ordered by id.</returns>
    IAsyncEnumerable<DocumentRecord> StreamNotSeenAsync(long generation, CancellationToken cancellationToken = default);
}
