using System.Numerics.Tensors;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// One opened vector index folder: the catalog, the vector file, and the in-memory map of live entries that
/// searches scan. Searches run in parallel with each other; the writer excludes them only while it publishes a
/// committed change (microseconds) or grows the file.
/// </summary>
/// <remarks>
/// <para>The write order is what makes the index crash-safe. An upsert writes its vectors into free slots and
/// flushes the file, then commits the catalog rows that point at those slots, then publishes them in memory. A crash
/// before the commit leaves the slots free (nothing references them), so no torn vector is ever visible; a crash
/// after it loses nothing that was acknowledged. Replacing a chunk moves it to a new slot and frees the old one in
/// the same commit, so a reader sees either the old or the new vector, never a mix.</para>
/// <para>Write methods (<see cref="UpsertAsync"/>, the deletes, <see cref="ClearAsync"/>, <see cref="CopyToAsync"/>,
/// <see cref="Dispose"/>) must not run concurrently with each other: the owner serializes them. That single writer
/// also owns the slot allocator and is the only one that changes the memory map, so it may read the map without
/// the lock.</para>
/// </remarks>
internal sealed partial class VectorStore : IDisposable
{
    /// <summary>The catalog's file name in the index folder.</summary>
    public const string CatalogFileName = "vectors.db";

    /// <summary>The vector file's name in the index folder.</summary>
    public const string VectorFileName = "vectors.bin";

    /// <summary>Below this many slots per thread a search stays on one thread.</summary>
    private const int MinSlotsPerSearchThread = 16_384;

    private const int CancellationCheckInterval = 65_536;

    private readonly string _directory;
    private readonly string _vectorPath;
    private readonly int _initialCapacity;
    private readonly ILogger _logger;
    private readonly VectorCatalog _catalog;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, VectorSlotEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _chunksPerDocument = new(StringComparer.Ordinal);
    private VectorSlotEntry?[] _slots = [];
    private int _scanLimit;
    private VectorSlotFile? _file;
    private VectorSlotAllocator _allocator = new(0);
    private bool _closed;

    private VectorStore(string directory, int initialCapacity, ILogger logger, VectorCatalog catalog)
    {
        _directory = directory;
        _vectorPath = Path.Combine(directory, VectorFileName);
        _initialCapacity = initialCapacity;
        _logger = logger;
        _catalog = catalog;
    }

    /// <summary>Gets the dimensions fixed by the first upsert, or <see langword="null"/> while the index holds none.</summary>
    public int? Dimensions { get; private set; }

    /// <summary>Gets the number of live entries.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Opens the index in <paramref name="directory"/> (its lock must already be held), creating an empty one when
    /// the folder holds none, and checks the catalog against the vector file without loading the entries (see
    /// <see cref="Probe"/>); <see cref="EnsureLoadedAsync"/> loads them before the first search or write.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">A file is missing, damaged, or unreadable; the message names it.</exception>
    public static VectorStore Open(string directory, int initialCapacity, ILogger logger)
    {
        var catalogPath = Path.Combine(directory, CatalogFileName);
        var vectorPath = Path.Combine(directory, VectorFileName);
        // SQLite would quietly start an empty catalog in place of a missing or zero-length one, and the next upsert
        // would then overwrite the vectors beside it. (A new catalog's first pages may live in its WAL only.)
        if (File.Exists(vectorPath) && IsEmptyOrMissing(catalogPath) && IsEmptyOrMissing(catalogPath + "-wal"))
        {
            throw new DocPipelineStorageException(
                $"The {VectorCatalog.Description} '{catalogPath}' is missing or empty, but the vector file '{vectorPath}' beside it exists; " +
                "without the catalog its vectors belong to no chunk. Nothing was changed: restore the folder from a backup, or rebuild the " +
                "vector index from the document registry.");
        }

        var store = new VectorStore(directory, initialCapacity, logger, VectorCatalog.Open(catalogPath));
        try
        {
            store.Probe();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Finds the entries most similar to <paramref name="query"/>.</summary>
    /// <returns><see langword="false"/> when the store was closed (the caller opens the current one and retries).</returns>
    public bool TrySearch(ReadOnlyMemory<float> query, int topK, int parallelism, CancellationToken cancellationToken, out IReadOnlyList<IndexHit> hits)
    {
        hits = [];
        _lock.EnterReadLock();
        try
        {
            if (_closed)
            {
                return false;
            }

            if (Dimensions is not int dimensions)
            {
                return true;
            }

            if (!_loaded)
            {
                throw new InvalidOperationException("The vector store searched before its entries were loaded.");
            }

            var normalized = VectorNormalization.NormalizeQuery(query, dimensions);
            if (_entries.Count > 0)
            {
                hits = ToHits(Scan(normalized, Math.Min(topK, _entries.Count), parallelism, cancellationToken));
            }

            return true;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Writes a validated batch: vectors first (flushed), then the catalog commit, then memory.</summary>
    public async Task UpsertAsync(NormalizedVectorBatch batch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (batch.Count == 0)
        {
            return;
        }

        var first = Dimensions is null;
        if (first)
        {
            PrepareFirstFile(batch.Dimensions, batch.Count);
        }

        var file = _file!;
        var slots = new int[batch.Count];
        var newSlots = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            // The same vector again (a repair, or new metadata): keep its slot and only update the catalog row.
            if (_entries.TryGetValue(batch.Records[i].ChunkId, out var existing) && file.Slot(existing.Slot).SequenceEqual(batch.Vector(i)))
            {
                slots[i] = existing.Slot;
            }
            else
            {
                slots[i] = -1;
                newSlots++;
            }
        }

        var taken = Reserve(newSlots);
        try
        {
            var next = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (slots[i] < 0)
                {
                    slots[i] = taken[next++];
                    file.Write(slots[i], batch.Vector(i));
                }
            }

            if (taken.Length > 0)
            {
                file.Flush();
            }

            var checksums = new uint[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                checksums[i] = VectorChecksum.Of(batch.Vector(i));
            }

            await _catalog.UpsertAsync(first ? batch.Dimensions : null, batch, slots, checksums, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not committed: nothing references the slots, so they are free again at once.
            _allocator.Return(taken);
            throw;
        }

        Publish(batch, slots, first);
    }

    /// <summary>Deletes entries by chunk id; unknown ids are ignored.</summary>
    public Task DeleteChunksAsync(IEnumerable<string> chunkIds, CancellationToken cancellationToken) =>
        DeleteAsync(chunkIds, _entries, _catalog.DeleteChunksAsync, cancellationToken);

    /// <summary>Deletes every entry of the given documents.</summary>
    public Task DeleteDocumentsAsync(IEnumerable<string> documentIds, CancellationToken cancellationToken) =>
        DeleteAsync(documentIds, _chunksPerDocument, _catalog.DeleteDocumentsAsync, cancellationToken);

    /// <summary>Deletes every entry and forgets the dimensions; the vector file is deleted once that is durable.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        await _catalog.ClearAsync(cancellationToken).ConfigureAwait(false);
        _lock.EnterWriteLock();
        try
        {
            foreach (var entry in _entries.Values)
            {
                _slots[entry.Slot] = null;
                _allocator.Release(entry.Slot);
            }

            _entries.Clear();
            _chunksPerDocument.Clear();
            _scanLimit = 0;
            Dimensions = null;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        if (_file is not null && MakeCatalogDurable())
        {
            DiscardFile();
        }
    }

    /// <summary>Streams the entries from the catalog.</summary>
    public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _catalog.StreamEntriesAsync(cancellationToken);
    }

    /// <summary>Gets entries, documents and bytes on disk.</summary>
    public IndexStatistics GetStatistics()
    {
        long entries;
        long documents;
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            (entries, documents) = _loaded ? (_entries.Count, _chunksPerDocument.Count) : _catalog.Count();
        }
        finally
        {
            _lock.ExitReadLock();
        }

        var bytes = 0L;
        foreach (var name in (string[])[VectorFileName, CatalogFileName, CatalogFileName + "-wal", CatalogFileName + "-shm"])
        {
            var info = new FileInfo(Path.Combine(_directory, name));
            bytes += info.Exists ? info.Length : 0;
        }

        return new IndexStatistics(entries, documents, bytes);
    }

    /// <summary>
    /// Streams every entry as a record (vector copied out, metadata as stored), one document after another: what a
    /// rebuild of the document registry recovers from the index.
    /// </summary>
    public async IAsyncEnumerable<VectorRecord> StreamRecordsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        await foreach (var (entry, metadata) in _catalog.StreamByDocumentAsync(cancellationToken).ConfigureAwait(false))
        {
            float[] vector;
            _lock.EnterReadLock();
            try
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                vector = _file!.Slot(entry.Slot).ToArray();
            }
            finally
            {
                _lock.ExitReadLock();
            }

            yield return new VectorRecord { ChunkId = entry.ChunkId, DocumentId = entry.DocumentId, Version = entry.Version, Vector = vector, Metadata = metadata };
        }
    }

    /// <summary>Reads the metadata stored with a chunk, or <see langword="null"/> when it has none or is unknown.</summary>
    public Task<IReadOnlyDictionary<string, string>?> ReadMetadataAsync(string chunkId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _catalog.ReadMetadataAsync(chunkId, cancellationToken);
    }

    /// <summary>
    /// Checks what the index holds: SQLite's check of the catalog, and that every live vector is still a finite unit
    /// vector; <paramref name="deep"/> adds SQLite's full integrity check and compares each vector with the checksum
    /// stored in its row. A row written before checksums existed gets its checksum here, when its vector is a unit
    /// vector. The owner holds the write gate, so nothing changes meanwhile.
    /// </summary>
    /// <returns>Entries checked, checksums added, and the problems found (none when intact).</returns>
    public async Task<(long Checked, long ChecksumsAdded, List<string> Problems)> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var problems = new List<string>();
        if (_catalog.CheckIntegrity(deep) is { } catalogError)
        {
            problems.Add(catalogError);
        }

        if (_file is not { } file)
        {
            return (0, 0, problems);
        }

        long notUnit = 0;
        long mismatched = 0;
        long checkedCount = 0;
        var examples = new List<string>();
        var missing = new List<(string ChunkId, int Slot, uint Checksum)>();
        void Damaged(string chunkId, int slot, string what)
        {
            if (examples.Count < 3)
            {
                examples.Add($"chunk '{chunkId}' (slot {slot}) {what}");
            }
        }

        if (deep)
        {
            await foreach (var (chunkId, slot, stored) in _catalog.StreamChecksumsAsync(cancellationToken).ConfigureAwait(false))
            {
                // A read-only snapshot maps the slots the file had when it opened; the catalog may be newer.
                if (slot < 0 || slot >= file.Capacity)
                {
                    continue;
                }

                var vector = file.Slot(slot);
                checkedCount++;
                var unit = VectorChecksum.IsUnit(vector);
                if (!unit)
                {
                    notUnit++;
                    Damaged(chunkId, slot, "is not a unit vector");
                }
                else if (stored is null)
                {
                    missing.Add((chunkId, slot, VectorChecksum.Of(vector)));
                }
                else if (stored != VectorChecksum.Of(vector))
                {
                    mismatched++;
                    Damaged(chunkId, slot, "does not match its checksum");
                }
            }

            if (missing.Count > 0 && !IsReadOnly)
            {
                await _catalog.SetMissingChecksumsAsync(missing, cancellationToken).ConfigureAwait(false);
                VectorIndexLog.ChecksumsAdded(_logger, _directory, missing.Count);
            }
        }
        else
        {
            foreach (var entry in _entries.Values)
            {
                checkedCount++;
                if (!VectorChecksum.IsUnit(file.Slot(entry.Slot)))
                {
                    notUnit++;
                    Damaged(entry.ChunkId, entry.Slot, "is not a unit vector");
                }
            }
        }

        if (notUnit + mismatched > 0)
        {
            problems.Add(
                $"The vector file '{_vectorPath}' is damaged: of {checkedCount} vectors, {notUnit} are not unit vectors" +
                (deep ? $" and {mismatched} do not match their checksums" : string.Empty) +
                $" (for example {string.Join(", ", examples)}). Restore the folder from a backup, or rebuild the vector index from the document registry.");
        }

        return (checkedCount, IsReadOnly ? 0 : missing.Count, problems);
    }

    /// <summary>Copies the catalog (online backup) and the vector file into <paramref name="destinationDirectory"/>.</summary>
    public async Task CopyToAsync(string destinationDirectory, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Directory.CreateDirectory(destinationDirectory);
        var catalogCopy = Path.Combine(destinationDirectory, CatalogFileName);
        var vectorCopy = Path.Combine(destinationDirectory, VectorFileName);
        if (File.Exists(catalogCopy) || File.Exists(vectorCopy))
        {
            throw new IOException($"The folder '{destinationDirectory}' already holds a vector index; copy into an empty folder.");
        }

        await _catalog.BackupToAsync(catalogCopy, cancellationToken).ConfigureAwait(false);
        if (_file is { } file && Dimensions is not null)
        {
            await Task.Run(() => file.CopyTo(vectorCopy), cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _file?.Dispose();
            _file = null;
            _catalog.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var capacity = _file?.Capacity ?? 0;
        var slots = new VectorSlotEntry?[capacity];
        await foreach (var entry in _catalog.StreamSlotsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entry.Slot < 0 || entry.Slot >= capacity || slots[entry.Slot] is not null)
            {
                throw Misplaced(entry, capacity);
            }

            slots[entry.Slot] = entry;
            _entries[entry.ChunkId] = entry;
            AddDocument(entry.DocumentId);
            _scanLimit = Math.Max(_scanLimit, entry.Slot + 1);
        }

        _slots = slots;
        _allocator = VectorSlotAllocator.ForOpenedFile(capacity, slot => slots[slot] is not null, MakeCatalogDurable());
    }

    private TopKHeap Scan(float[] query, int k, int parallelism, CancellationToken cancellationToken)
    {
        var limit = _scanLimit;
        var partitions = Math.Clamp(limit / MinSlotsPerSearchThread, 1, Math.Max(1, parallelism));
        if (partitions == 1)
        {
            return ScanRange(query, 0, limit, k, cancellationToken);
        }

        var heaps = new TopKHeap[partitions];
        var options = new ParallelOptions { MaxDegreeOfParallelism = partitions, CancellationToken = cancellationToken };
        Parallel.For(0, partitions, options, partition =>
        {
            var start = (int)((long)limit * partition / partitions);
            var end = (int)((long)limit * (partition + 1) / partitions);
            heaps[partition] = ScanRange(query, start, end, k, CancellationToken.None);
        });

        for (var partition = 1; partition < partitions; partition++)
        {
            heaps[0].OfferAll(heaps[partition]);
        }

        return heaps[0];
    }

    private TopKHeap ScanRange(float[] query, int start, int end, int k, CancellationToken cancellationToken)
    {
        var heap = new TopKHeap(k);
        var file = _file!;
        var slots = _slots;
        var threshold = heap.Threshold;
        ReadOnlySpan<float> q = query;
        for (var slot = start; slot < end; slot++)
        {
            if (((slot - start) & (CancellationCheckInterval - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // Unit vectors: the dot product is the cosine. Free slots are scored too (cheaper than testing each one
            // first) and dropped here; one being written right now may hold anything, which is why NaN must fail too.
            var score = TensorPrimitives.Dot(q, file.Slot(slot));
            if (score > threshold && slots[slot] is not null)
            {
                heap.Offer(score, slot);
                threshold = heap.Threshold;
            }
        }

        return heap;
    }

    private IndexHit[] ToHits(TopKHeap heap)
    {
        var sorted = heap.ToSortedArray();
        var hits = new IndexHit[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            var entry = _slots[sorted[i].Id]!;
            ThrowIfSlotMoved(entry);

            // A damaged vector (random bytes are far from unit length) scores high against every query: refuse to
            // answer from it. Checking the hits only costs k dot products.
            if (!VectorChecksum.IsUnit(_file!.Slot(entry.Slot)))
            {
                throw new DocPipelineStorageException(
                    $"The vector file '{_vectorPath}' is damaged: the vector of chunk '{entry.ChunkId}' (slot {entry.Slot}) is not the unit vector " +
                    "that was stored. Run 'docpipe manage --verify-consistency --deep' to see the extent, then restore the folder from a backup " +
                    "or rebuild the vector index from the document registry.");
            }

            hits[i] = new IndexHit(entry.ChunkId, entry.DocumentId, entry.Version, Math.Clamp(sorted[i].Score, -1d, 1d));
        }

        return hits;
    }

    /// <summary>Creates the vector file for the first upsert (or after a clear), unless a usable one is open.</summary>
    private void PrepareFirstFile(int dimensions, int count)
    {
        if (_file is not null && _file.Dimensions == dimensions)
        {
            return;
        }

        // The new file replaces whatever is on disk, so the catalog must durably reference nothing in the old one.
        if ((_file is not null || File.Exists(_vectorPath)) && !MakeCatalogDurable())
        {
            throw new DocPipelineStorageException(
                $"The vector index '{_directory}' cannot start a vector file of {dimensions} dimensions yet: an open reader of its catalog " +
                $"'{_catalog.Path}' (an entry listing still being enumerated) keeps the previous clear from being made durable. Retry once it ends.");
        }

        var capacity = Math.Max(_initialCapacity, count);
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _file?.Dispose();
            _file = null;
            _file = VectorSlotFile.Create(_vectorPath, dimensions, capacity);
            _slots = new VectorSlotEntry?[capacity];
            _scanLimit = 0;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        _allocator = new VectorSlotAllocator(capacity);
    }

    /// <summary>Takes free slots, reusing freed ones when the catalog can be made durable, else growing the file by doubling.</summary>
    private int[] Reserve(int count)
    {
        if (count > _allocator.Available && _allocator.Quarantined > 0 && MakeCatalogDurable())
        {
            _allocator.PromoteQuarantined();
        }

        if (count > _allocator.Available)
        {
            var file = _file!;
            var previous = file.Capacity;
            var needed = (long)previous + count - _allocator.Available;
            var capacity = (int)Math.Min(int.MaxValue, Math.Max(needed, (long)previous * 2));
            _lock.EnterWriteLock();
            try
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                file.Grow(capacity);
                Array.Resize(ref _slots, capacity);
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            _allocator.Grow(capacity);
            VectorIndexLog.Grew(_logger, file.Path, previous, capacity);
        }

        return _allocator.Take(count);
    }

    private void Publish(NormalizedVectorBatch batch, int[] slots, bool first)
    {
        _lock.EnterWriteLock();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var record = batch.Records[i];
                if (_entries.TryGetValue(record.ChunkId, out var previous))
                {
                    RemoveDocument(previous.DocumentId);
                    if (previous.Slot != slots[i])
                    {
                        _slots[previous.Slot] = null;
                        _allocator.Release(previous.Slot);
                    }
                }

                var entry = new VectorSlotEntry(record.ChunkId, record.DocumentId, record.Version, slots[i]);
                _entries[record.ChunkId] = entry;
                _slots[entry.Slot] = entry;
                AddDocument(entry.DocumentId);
                _scanLimit = Math.Max(_scanLimit, entry.Slot + 1);
            }

            ShrinkScanLimit();
            if (first)
            {
                Dimensions = batch.Dimensions;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private async Task DeleteAsync<TValue>(
        IEnumerable<string> keys,
        Dictionary<string, TValue> known,
        Func<IEnumerable<string>, CancellationToken, Task<List<VectorSlotEntry>>> delete,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);

        // Memory mirrors the catalog (one writer), so ids it does not know cost no commit.
        var present = keys.Where(key => key is not null && known.ContainsKey(key)).Distinct(StringComparer.Ordinal).ToList();
        if (present.Count == 0)
        {
            return;
        }

        var deleted = await delete(present, cancellationToken).ConfigureAwait(false);
        _lock.EnterWriteLock();
        try
        {
            foreach (var entry in deleted)
            {
                if (_entries.Remove(entry.ChunkId))
                {
                    _slots[entry.Slot] = null;
                    _allocator.Release(entry.Slot);
                    RemoveDocument(entry.DocumentId);
                }
            }

            ShrinkScanLimit();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private bool MakeCatalogDurable()
    {
        if (_catalog.TryMakeDurable())
        {
            return true;
        }

        VectorIndexLog.NotDurableYet(_logger, _catalog.Path);
        return false;
    }

    private void DiscardFile()
    {
        _lock.EnterWriteLock();
        try
        {
            _file?.Dispose();
            _file = null;
            _slots = [];
            _allocator = new VectorSlotAllocator(0);
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        try
        {
            File.Delete(_vectorPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            VectorIndexLog.StaleFileKept(_logger, _vectorPath, ex);
        }
    }

    private static bool IsEmptyOrMissing(string path)
    {
        var info = new FileInfo(path);
        return !info.Exists || info.Length == 0;
    }

    private void ShrinkScanLimit()
    {
        while (_scanLimit > 0 && _slots[_scanLimit - 1] is null)
        {
            _scanLimit--;
        }
    }

    private void AddDocument(string documentId) =>
        _chunksPerDocument[documentId] = _chunksPerDocument.GetValueOrDefault(documentId) + 1;

    private void RemoveDocument(string documentId)
    {
        var remaining = _chunksPerDocument[documentId] - 1;
        if (remaining == 0)
        {
            _chunksPerDocument.Remove(documentId);
        }
        else
        {
            _chunksPerDocument[documentId] = remaining;
        }
    }
}
