using DocPipeline.Registry;

namespace DocPipeline.Management;

/// <summary>
/// Document-level operations over both indexes. Every write goes through the durable job queue, so it follows the
/// crash-safe write order (new version written to every index before the old one is removed), survives a crash, and
/// never runs beside another job for the same document.
/// </summary>
public interface IIndexManager
{
    /// <summary>Indexes a file. Indexing a file that is indexed and unchanged writes nothing.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    Task<DocumentOperationResult> AddAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Re-indexes a document from a file (which becomes its source). Only chunks whose text changed are embedded.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="DocumentNotFoundException">No document has that id.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    Task<DocumentOperationResult> UpdateAsync(string documentId, string path, CancellationToken cancellationToken = default);

    /// <summary>Removes a document and all of its chunks from both indexes and the registry.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="DocumentNotFoundException">No document has that id.</exception>
    Task<DocumentOperationResult> RemoveAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Runs many operations as one batch: they share embedder calls and index commits. Invalid operations fail on their own.</summary>
    /// <param name="operations">The operations, in order; a later one on the same document supersedes an earlier one.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One result per operation, in order.</returns>
    /// <exception cref="ArgumentException">An operation is <see langword="null"/> or of an undefined kind (the message names it, for example <c>operations[2].Kind</c>); nothing was queued.</exception>
    Task<IReadOnlyList<DocumentOperationResult>> ApplyAsync(IReadOnlyList<DocumentOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Tells whether a document is indexed (has a committed version).</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    Task<bool> ExistsAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Gets a document.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The document, or <see langword="null"/>.</returns>
    Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Lists documents, one page at a time.</summary>
    /// <param name="options">The filter and page.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="DocumentListOptions.Limit"/> is outside 1-10000, or the status is undefined; the message names the option.</exception>
    Task<DocumentPage> ListAsync(DocumentListOptions options, CancellationToken cancellationToken = default);

    /// <summary>Gets counts and sizes: documents, chunks, each index's entries and bytes, jobs, the last run, recent failures.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The statistics.</returns>
    Task<PipelineStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);
}
