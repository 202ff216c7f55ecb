using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Vector;

/// <summary>The read-only open of a vector index folder that another process writes.</summary>
/// <remarks>
/// <para>A read-only store is a snapshot: the catalog's dimensions and entries read in one read transaction (one
/// commit), and a read-only map of the vector file as long as it was then. It takes no lock and writes nothing, so
/// any number of processes read beside the one writer. It stays correct while that writer goes on, because of the
/// writer's order and the way it reuses and replaces files:</para>
/// <list type="bullet">
/// <item>Vectors are written and flushed before the catalog commit that makes them live, and the file only grows
/// before such a commit, so every slot the snapshot's catalog names lies inside the map and was complete when read.</item>
/// <item>A slot freed after the snapshot may be written again for another chunk (the writer reuses freed slots once
/// the catalog commit that freed them is durable), so a snapshot might read a vector that is not its entry's any more,
/// or is being written right now. Every hit is therefore compared with the CRC-32C its catalog row recorded before it
/// is returned; a mismatch means the snapshot is stale, and the caller opens a fresh one and searches again.</item>
/// <item>The writer never truncates the file a reader maps: a cleared index deletes it and a new one is a new file
/// (see <see cref="VectorSlotFile.Create"/>), so the old map stays valid until the reader reopens.</item>
/// </list>
/// <para>Hits are of chunks the index held at its last commit; the search layer drops any the registry does not hold.</para>
/// </remarks>
internal sealed partial class VectorStore
{
    private const int MaxSnapshotAttempts = 5;

    /// <summary>The CRC-32C each live slot of a read-only snapshot must hold, or -1 for a row written before checksums.</summary>
    private long[]? _checksums;

    /// <summary>Gets a value indicating whether this store is a read-only snapshot (see <see cref="OpenReadOnly"/>).</summary>
    public bool IsReadOnly => _checksums is not null;

    /// <summary>
    /// Opens a read-only snapshot of the index in <paramref name="directory"/>, taking no lock and creating nothing.
    /// </summary>
    /// <returns>The snapshot, or <see langword="null"/> while the folder holds no index yet.</returns>
    /// <exception cref="DocPipelineStorageException">The files are damaged, or never agreed over several attempts.</exception>
    public static VectorStore? OpenReadOnly(string directory, ILogger logger)
    {
        var catalogPath = Path.Combine(directory, CatalogFileName);
        string? disagreement = null;
        for (var attempt = 0; attempt < MaxSnapshotAttempts; attempt++)
        {
            if (IsEmptyOrMissing(catalogPath) && IsEmptyOrMissing(catalogPath + "-wal"))
            {
                return null;
            }

            var store = new VectorStore(directory, initialCapacity: 0, logger, VectorCatalog.Open(catalogPath));
            try
            {
                disagreement = store.LoadSnapshot();
                if (disagreement is null)
                {
                    return store;
                }
            }
            catch
            {
                store.Dispose();
                throw;
            }

            // The writer replaced the file or moved on between the catalog read and the file open: read both again.
            store.Dispose();
        }

        throw new DocPipelineStorageException(
            $"The vector index '{directory}' could not be read consistently in {MaxSnapshotAttempts} attempts: {disagreement}. If no process is " +
            "writing it, it is damaged: run 'docpipe manage --verify-consistency --deep', then restore it or rebuild the vector index from the registry.");
    }

    /// <summary>Loads the catalog's snapshot and maps the vector file; returns why they disagree, or <see langword="null"/>.</summary>
    private string? LoadSnapshot()
    {
        var (stored, rows) = _catalog.ReadSnapshot();
        if (stored is <= 0 or > VectorNormalization.MaxDimensions)
        {
            throw DamagedDimensions(stored);
        }

        var dimensions = (int?)stored;
        _checksums = [];
        if (dimensions is int value)
        {
            try
            {
                _file = VectorSlotFile.Open(_vectorPath, value, readOnly: true);
            }
            catch (DocPipelineStorageException ex)
            {
                return ex.Message;
            }

            _slots = new VectorSlotEntry?[_file.Capacity];
            _checksums = new long[_file.Capacity];
        }

        foreach (var (entry, checksum) in rows)
        {
            if (entry.Slot < 0 || entry.Slot >= _slots.Length || _slots[entry.Slot] is not null)
            {
                return $"the catalog places chunk '{entry.ChunkId}' in slot {entry.Slot}, which the vector file '{_vectorPath}' of {_slots.Length} slots does not hold";
            }

            _slots[entry.Slot] = entry;
            _checksums[entry.Slot] = checksum is uint sum ? sum : -1;
            _entries[entry.ChunkId] = entry;
            AddDocument(entry.DocumentId);
            _scanLimit = Math.Max(_scanLimit, entry.Slot + 1);
        }

        Dimensions = dimensions;
        _loaded = true;
        return null;
    }

    /// <summary>In a read-only snapshot, refuses a hit whose slot no longer holds the vector its catalog row recorded.</summary>
    /// <exception cref="SnapshotMovedException">The writer reused the slot since the snapshot was read.</exception>
    private void ThrowIfSlotMoved(VectorSlotEntry entry)
    {
        if (_checksums is not { } checksums || checksums.Length == 0)
        {
            return;
        }

        var vector = _file!.Slot(entry.Slot);
        var expected = checksums[entry.Slot];
        if (expected >= 0 ? VectorChecksum.Of(vector) != (uint)expected : !VectorChecksum.IsUnit(vector))
        {
            throw new SnapshotMovedException(
                $"The vector of chunk '{entry.ChunkId}' in slot {entry.Slot} of '{_vectorPath}' does not match its checksum in the catalog snapshot: " +
                "either the writer reused the slot since the snapshot was read, or the file is damaged. Run 'docpipe manage --verify-consistency --deep' " +
                "to see whether it persists.");
        }
    }

    /// <summary>A read-only snapshot met a slot that no longer holds its entry's vector: open a fresh snapshot and try again.</summary>
    internal sealed class SnapshotMovedException(string message) : DocPipelineStorageException(message);
}
