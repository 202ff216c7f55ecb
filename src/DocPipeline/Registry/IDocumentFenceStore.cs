namespace DocPipeline.Registry;

/// <summary>
/// A registry that records which job attempt owns each document and checks <see cref="WriteFence.Current"/> inside
/// the transaction of every document write (stage, index versions, commit, mark failed, removing, remove, seen).
/// </summary>
internal interface IDocumentFenceStore
{
    /// <summary>Records <paramref name="token"/> as the owner of <paramref name="documentId"/>: fenced writes under any other token are refused from now on.</summary>
    /// <returns>A task that completes when the record is durable and every write fenced under the previous owner has finished or will be refused.</returns>
    Task TakeFenceAsync(string documentId, string token, CancellationToken cancellationToken);

    /// <summary>Reads whether <paramref name="token"/> still owns <paramref name="documentId"/>.</summary>
    /// <returns><see langword="false"/> when another attempt took the document, or it was removed.</returns>
    Task<bool> HoldsFenceAsync(string documentId, string token, CancellationToken cancellationToken);
}
