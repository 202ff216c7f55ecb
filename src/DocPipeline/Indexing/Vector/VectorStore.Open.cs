namespace DocPipeline.Indexing.Vector;

/// <summary>The open of a vector index folder: a cheap check first, the entries loaded on first need.</summary>
/// <remarks>
/// Loading every catalog entry into memory costs time in proportion to the index (about 0.2 s for 44,000 chunks),
/// which a command that writes and searches nothing (an unchanged re-run, a status) would spend for nothing. An open
/// therefore checks only what can be checked in a few page reads (see <see cref="Probe"/>), and the owner calls
/// <see cref="EnsureLoadedAsync"/> before the first search or write. Loading checks every entry again, so damage
/// deeper in the catalog is still reported, at first use, with the same message.
/// </remarks>
internal sealed partial class VectorStore
{
    private volatile bool _loaded;

    /// <summary>Gets a value indicating whether the entries are loaded, so the store can search and write.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>Loads the entries unless they are loaded; the owner's single writer calls it (the write gate is held).</summary>
    /// <exception cref="DocPipelineStorageException">An entry is damaged or lies outside the vector file; the message names the file.</exception>
    public async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_loaded)
        {
            return;
        }

        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not loaded: the next attempt starts over.
            _entries.Clear();
            _chunksPerDocument.Clear();
            _scanLimit = 0;
            throw;
        }

        _loaded = true;
    }

    /// <summary>
    /// Checks the catalog against the vector file without loading the entries: the recorded dimensions, the vector
    /// file's header and length for them, and that the entries in the lowest and highest slots lie inside the file
    /// (so every entry does, slots being unique). A catalog that cannot be read at all fails here too.
    /// </summary>
    private void Probe()
    {
        var (stored, lowest, highest) = _catalog.Probe();
        if (stored is <= 0 or > VectorNormalization.MaxDimensions)
        {
            throw DamagedDimensions(stored);
        }

        if (stored is long dimensions)
        {
            _file = VectorSlotFile.Open(_vectorPath, (int)dimensions);
        }

        var capacity = _file?.Capacity ?? 0;
        foreach (var entry in (VectorSlotEntry?[])[lowest, highest])
        {
            if (entry is not null && (entry.Slot < 0 || entry.Slot >= capacity))
            {
                throw Misplaced(entry, capacity);
            }
        }

        Dimensions = (int?)stored;
    }

    /// <summary>The error for a catalog that records no possible dimensions.</summary>
    private DocPipelineStorageException DamagedDimensions(long? stored) => new(
        $"The {VectorCatalog.Description} '{_catalog.Path}' is damaged: it records {stored} dimensions. Restore the folder from a backup, " +
        "or rebuild the vector index from the document registry.");

    /// <summary>The error for an entry outside the vector file (or in a slot taken twice, or with no dimensions recorded).</summary>
    private DocPipelineStorageException Misplaced(VectorSlotEntry entry, int capacity) => new(_file is null
        ? $"The {VectorCatalog.Description} '{_catalog.Path}' is damaged: it lists chunk '{entry.ChunkId}' but records no dimensions. " +
          "Restore the folder from a backup, or rebuild the vector index from the document registry."
        : $"The vector file '{_vectorPath}' is damaged: the catalog '{_catalog.Path}' places chunk '{entry.ChunkId}' in slot {entry.Slot}, " +
          $"but the file holds only {capacity} vectors (was it truncated or replaced?). Restore the folder from a backup, " +
          "or rebuild the vector index from the document registry.");
}
