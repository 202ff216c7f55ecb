using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>Counts discrepancies per index and per document, and turns them into a <see cref="ConsistencyReport"/>.</summary>
/// <remarks>Memory grows with the number of documents that have a discrepancy, never with the number of chunks.</remarks>
internal sealed class ConsistencyTally(IReadOnlyList<string> indexNames) : IDiscrepancySink
{
    private const int Kinds = 3;
    private readonly Dictionary<string, long[]> _documents = new(StringComparer.Ordinal);
    private readonly long[] _totals = new long[indexNames.Count * Kinds];
    private readonly long[] _forgiven = new long[indexNames.Count];

    /// <summary>Gets the documents with at least one discrepancy.</summary>
    public IReadOnlyCollection<string> DocumentIds => _documents.Keys;

    public ValueTask AddAsync(Discrepancy discrepancy, CancellationToken cancellationToken)
    {
        if (!_documents.TryGetValue(discrepancy.DocumentId, out var counts))
        {
            counts = new long[indexNames.Count * Kinds];
            _documents[discrepancy.DocumentId] = counts;
        }

        var slot = (discrepancy.Index * Kinds) + (int)discrepancy.Kind;
        counts[slot]++;
        _totals[slot]++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Gets the discrepancies of one index.</summary>
    public DiscrepancyCounts Totals(int index) => Counts(_totals, index);

    /// <summary>Gets the discrepancies of one document in one index.</summary>
    public DiscrepancyCounts Of(string documentId, int index) =>
        _documents.TryGetValue(documentId, out var counts) ? Counts(counts, index) : default;

    /// <summary>Stops counting a document's discrepancies: it turned out to be in flight.</summary>
    public void Forgive(string documentId)
    {
        if (!_documents.Remove(documentId, out var counts))
        {
            return;
        }

        for (var slot = 0; slot < counts.Length; slot++)
        {
            _totals[slot] -= counts[slot];
            _forgiven[slot / Kinds] += counts[slot];
        }
    }

    /// <summary>
    /// Looks again at the documents with discrepancies after a scan started at <paramref name="startedAt"/>, and forgives
    /// those that were being changed meanwhile: a staged version, a removal, or any change since the scan began.
    /// </summary>
    /// <param name="registry">The registry.</param>
    /// <param name="startedAt">When the scan started.</param>
    /// <param name="changedByScan">Documents the scan's own repairs changed: their change is no reason to forgive them.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The documents forgiven.</returns>
    public async Task<IReadOnlyList<string>> ForgiveChangedAsync(
        IDocumentRegistry registry, DateTimeOffset startedAt, IReadOnlySet<string> changedByScan, CancellationToken cancellationToken)
    {
        var forgiven = new List<string>();
        foreach (var batch in _documents.Keys.ToList().Chunk(500))
        {
            var current = await registry.GetManyAsync(batch, cancellationToken).ConfigureAwait(false);
            foreach (var id in batch)
            {
                var changed = current.TryGetValue(id, out var document)
                    ? IsInFlight(document) || (document.UpdatedAt > startedAt && !changedByScan.Contains(id))
                    : HasExpectedChunks(id);
                if (changed)
                {
                    Forgive(id);
                    forgiven.Add(id);
                }
            }
        }

        return forgiven;
    }

    /// <summary>Builds the report.</summary>
    public ConsistencyReport ToReport(ScanTotals totals, IReadOnlyList<string?> errors, IReadOnlyCollection<string> pending, DateTimeOffset checkedAt, TimeSpan duration)
    {
        var indexes = new Dictionary<string, IndexConsistency>(StringComparer.Ordinal);
        for (var i = 0; i < indexNames.Count; i++)
        {
            var index = i;
            indexes[indexNames[i]] = new IndexConsistency
            {
                Name = indexNames[i],
                Expected = totals.RegistryChunks,
                Entries = errors[i] is null ? totals.Entries[i] : 0,
                Discrepancies = Totals(i),
                InFlight = totals.InFlight[i] + _forgiven[i],
                Error = errors[i],
                Documents = _documents
                    .Where(p => !Counts(p.Value, index).IsEmpty)
                    .Select(p => p.Key)
                    .Order(StringComparer.Ordinal)
                    .Take(ConsistencyReport.MaxListedDocuments)
                    .ToList(),
            };
        }

        var documents = _documents
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Take(ConsistencyReport.MaxListedDocuments)
            .Select(p => new DocumentConsistency
            {
                DocumentId = p.Key,
                Indexes = Enumerable.Range(0, indexNames.Count)
                    .Where(i => !Counts(p.Value, i).IsEmpty)
                    .ToDictionary(i => indexNames[i], i => Counts(p.Value, i), StringComparer.Ordinal),
            })
            .ToList();

        return new ConsistencyReport
        {
            Indexes = indexes,
            Documents = documents,
            DocumentCount = _documents.Count,
            PendingDocuments = pending.Order(StringComparer.Ordinal).Take(ConsistencyReport.MaxListedDocuments).ToList(),
            PendingDocumentCount = pending.Count,
            RegistryChunks = totals.RegistryChunks,
            CheckedAt = checkedAt,
            Duration = duration,
        };
    }

    /// <summary>Whether a document's index entries are being changed by a job: a staged version, or a removal.</summary>
    internal static bool IsInFlight(DocumentRecord document) =>
        document.PendingVersion is not null || document.Status is DocumentStatus.Pending or DocumentStatus.Removing;

    private static DiscrepancyCounts Counts(long[] counts, int index) =>
        new(counts[(index * Kinds) + (int)DiscrepancyKind.Missing], counts[(index * Kinds) + (int)DiscrepancyKind.Orphaned], counts[(index * Kinds) + (int)DiscrepancyKind.Stale]);

    /// <summary>A document the registry knew during the scan (missing or stale chunks) and no longer knows was removed meanwhile.</summary>
    private bool HasExpectedChunks(string documentId)
    {
        var counts = _documents[documentId];
        for (var i = 0; i < indexNames.Count; i++)
        {
            if (counts[(i * Kinds) + (int)DiscrepancyKind.Missing] + counts[(i * Kinds) + (int)DiscrepancyKind.Stale] > 0)
            {
                return true;
            }
        }

        return false;
    }
}
