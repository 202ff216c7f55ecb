namespace DocPipeline.Consistency;

/// <summary>How one index compares with the registry.</summary>
public sealed record IndexConsistency
{
    /// <summary>Gets the index name (<c>vector</c> or <c>keyword</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of chunks the registry expects in the index (committed versions).</summary>
    public long Expected { get; init; }

    /// <summary>Gets the number of entries the index holds.</summary>
    public long Entries { get; init; }

    /// <summary>Gets the discrepancies, documents being updated or removed (<see cref="ConsistencyReport.PendingDocuments"/>) excluded.</summary>
    public DiscrepancyCounts Discrepancies { get; init; }

    /// <summary>Gets how many entries belong to documents being updated or removed right now; they are in flight, not wrong.</summary>
    public long InFlight { get; init; }

    /// <summary>
    /// Gets a value indicating whether the entry count differs from the expected count. Documents in flight can make
    /// the counts differ while the index is right; <see cref="Discrepancies"/> says what is wrong.
    /// </summary>
    public bool CountMismatch => Expected != Entries;

    /// <summary>Gets why the index could not be read (damaged, missing files, in use by another process), or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the ids of the documents with a discrepancy in this index, sorted (at most <see cref="ConsistencyReport.MaxListedDocuments"/>).</summary>
    public IReadOnlyList<string> Documents { get; init; } = [];

    /// <summary>Gets a value indicating whether the index was read and matches the registry.</summary>
    public bool IsConsistent => Error is null && Discrepancies.IsEmpty;
}
