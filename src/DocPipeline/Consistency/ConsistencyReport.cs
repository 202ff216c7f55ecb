namespace DocPipeline.Consistency;

/// <summary>The result of comparing every index with the registry, the source of truth.</summary>
public sealed record ConsistencyReport
{
    /// <summary>The most document ids a report lists (per index, and in <see cref="Documents"/>); the counts are always complete.</summary>
    public const int MaxListedDocuments = 1000;

    /// <summary>Gets the indexes, by name.</summary>
    public required IReadOnlyDictionary<string, IndexConsistency> Indexes { get; init; }

    /// <summary>Gets the documents with a discrepancy in any index, sorted by id (at most <see cref="MaxListedDocuments"/>).</summary>
    public IReadOnlyList<DocumentConsistency> Documents { get; init; } = [];

    /// <summary>Gets how many documents have a discrepancy (all of them, even beyond the listed ones).</summary>
    public long DocumentCount { get; init; }

    /// <summary>
    /// Gets the documents being updated or removed while the check ran (a staged version, or a change during the check),
    /// sorted (at most <see cref="MaxListedDocuments"/>). Their index entries are in flight, so they are not counted as
    /// discrepancies; their jobs finish them (<c>docpipe batch --resume-jobs</c> for jobs of a stopped process).
    /// </summary>
    public IReadOnlyList<string> PendingDocuments { get; init; } = [];

    /// <summary>Gets how many documents were in flight.</summary>
    public long PendingDocumentCount { get; init; }

    /// <summary>Gets the number of chunks of committed versions in the registry.</summary>
    public long RegistryChunks { get; init; }

    /// <summary>Gets when the check started.</summary>
    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>Gets how long the check took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// Gets the integrity of each store, by name (<c>registry</c>, <c>jobs</c>, <c>fingerprints</c>, <c>vector</c>,
    /// <c>keyword</c>: the embedded ones in use). Empty for a report made only to compare the indexes with the registry
    /// (after a repair or a rebuild).
    /// </summary>
    public IReadOnlyDictionary<string, StoreIntegrity> Stores { get; init; } = new Dictionary<string, StoreIntegrity>();

    /// <summary>Gets a value indicating whether the deep checks ran (<see cref="VerifyOptions.Deep"/>).</summary>
    public bool Deep { get; init; }

    /// <summary>Gets a value indicating whether no store check found damage.</summary>
    public bool IsIntact => Stores.Values.All(store => store.IsIntact);

    /// <summary>
    /// Gets a value indicating whether every index was read and matches the registry (documents in flight aside) and
    /// no store is damaged.
    /// </summary>
    public bool IsConsistent => Indexes.Values.All(index => index.IsConsistent) && IsIntact;
}
