using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// A vector index that lives in memory and is lost when the process ends: for tests and demos only, chosen
/// explicitly with <c>UseInMemoryVectorIndex()</c>. Exact cosine search, same validation as the embedded index.
/// </summary>
internal sealed class InMemoryVectorIndex : IVectorIndex
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private int? _dimensions;

    /// <inheritdoc/>
    public string Name => "vector";

    /// <inheritdoc/>
    public Task<IReadOnlyList<IndexHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_dimensions is not int dimensions)
            {
                return Task.FromResult<IReadOnlyList<IndexHit>>([]);
            }

            var normalized = VectorNormalization.NormalizeQuery(query, dimensions);
            if (_entries.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<IndexHit>>([]);
            }

            var heap = new TopKHeap(Math.Min(topK, _entries.Count));
            for (var i = 0; i < _entries.Count; i++)
            {
                heap.Offer(TensorPrimitives.Dot(normalized, _entries[i].Vector), i);
            }

            var hits = heap.ToSortedArray()
                .Select(hit => (_entries[hit.Id], hit.Score))
                .Select(hit => new IndexHit(hit.Item1.ChunkId, hit.Item1.DocumentId, hit.Item1.Version, Math.Clamp(hit.Score, -1d, 1d)))
                .ToArray();
            return Task.FromResult<IReadOnlyList<IndexHit>>(hits);
        }
    }

    /// <inheritdoc/>
    public Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var batch = NormalizedVectorBatch.Create(records, _dimensions);
            for (var i = 0; i < batch.Count; i++)
            {
                var record = batch.Records[i];
                var entry = new Entry(record.ChunkId, record.DocumentId, record.Version, batch.Vector(i).ToArray());
                if (_positions.TryGetValue(record.ChunkId, out var position))
                {
                    _entries[position] = entry;
                }
                else
                {
                    _positions[record.ChunkId] = _entries.Count;
                    _entries.Add(entry);
                }
            }

            if (batch.Count > 0)
            {
                _dimensions ??= batch.Dimensions;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        lock (_lock)
        {
            foreach (var chunkId in chunkIds)
            {
                if (chunkId is not null)
                {
                    Remove(chunkId);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        lock (_lock)
        {
            var documents = documentIds.Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
            foreach (var chunkId in _entries.Where(entry => documents.Contains(entry.DocumentId)).Select(entry => entry.ChunkId).ToList())
            {
                Remove(chunkId);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<IndexEntry> ListEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IndexEntry[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _entries.Select(entry => new IndexEntry(entry.ChunkId, entry.DocumentId, entry.Version))];
        }

        foreach (var entry in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var documents = _entries.Select(entry => entry.DocumentId).Distinct(StringComparer.Ordinal).Count();
            return Task.FromResult(new IndexStatistics(_entries.Count, documents, 0));
        }
    }

    /// <inheritdoc/>
    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _entries.Clear();
            _positions.Clear();
            _dimensions = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>Removes an entry by moving the last one into its place (the list stays dense for the scan).</summary>
    private void Remove(string chunkId)
    {
        if (!_positions.Remove(chunkId, out var position))
        {
            return;
        }

        var last = _entries[^1];
        _entries.RemoveAt(_entries.Count - 1);
        if (position < _entries.Count)
        {
            _entries[position] = last;
            _positions[last.ChunkId] = position;
        }
    }

    private sealed record Entry(string ChunkId, string DocumentId, int Version, float[] Vector);
}
