namespace DocPipeline.Registry;

/// <summary>
/// A registry that marks documents seen and says, in the same write, which of them it holds a committed version of:
/// what lets a re-run trust an unchanged fingerprint without a registry read of its own.
/// </summary>
/// <remarks>Registries without it get an equivalent bulk read (<see cref="IDocumentRegistry.GetManyAsync"/>) per discovery batch.</remarks>
internal interface ISeenMarkingRegistry
{
    /// <summary>Does <see cref="IDocumentRegistry.MarkSeenAsync"/> and returns the ids, among <paramref name="documentIds"/>, of committed documents.</summary>
    /// <param name="documentIds">The document ids.</param>
    /// <param name="generation">The run generation.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The ids the registry holds a committed version of.</returns>
    Task<IReadOnlySet<string>> MarkSeenAndListCommittedAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken);
}
