namespace DocPipeline.Registry;

/// <summary>
/// An optional capability of an <see cref="IDocumentRegistry"/>: it records which job attempt owns each document and
/// checks <see cref="WriteFence.Current"/> inside the transaction of every document write (stage, index versions,
/// commit, mark failed, removing, remove, seen), so that a worker that lost its lease leaves nothing behind.
/// </summary>
/// <remarks>
/// A registry that does not implement it still works, but its writes are only checked against the lease before they
/// start, not inside their transaction.
/// </remarks>
public interface IDocumentFenceStore
{
    /// <summary>Records <paramref name="token"/> as the owner of <paramref name="documentId"/>: fenced writes under any other token are refused from now on.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="token">The lease token of the attempt taking the document.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the record is durable and every write fenced under the previous owner has finished or will be refused.</returns>
    Task TakeFenceAsync(string documentId, string token, CancellationToken cancellationToken);

    /// <summary>Reads whether <paramref name="token"/> still owns <paramref name="documentId"/>.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="token">The lease token of the attempt.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when another attempt took the document, or it was removed.</returns>
    Task<bool> HoldsFenceAsync(string documentId, string token, CancellationToken cancellationToken);
}
