namespace DocPipeline.Indexing.Vector;

/// <summary>The read-only mode of the embedded vector index (<see cref="Configuration.DocPipelineOptions.ReadOnly"/>).</summary>
/// <remarks>
/// A read-only index never takes <c>vectors.lock</c> and writes nothing: it searches a snapshot of what the catalog had
/// committed (see <see cref="VectorStore.OpenReadOnly"/>), and looks at most every <see cref="SnapshotRefreshInterval"/>
/// whether the writer committed since (a <c>stat</c> of the catalog and vector files); when it did, the next call
/// opens a new snapshot and the old one closes once the searches running on it finish. A search whose hit no longer
/// matches its checksum (a slot the writer reused) opens a fresh snapshot and searches again.
/// </remarks>
internal sealed partial class EmbeddedVectorIndex
{
    /// <summary>How often a read-only index looks for a newer commit.</summary>
    internal static readonly TimeSpan SnapshotRefreshInterval = TimeSpan.FromSeconds(1);

    private const int MaxSearchAttempts = 5;
    private const int MaxCheckAttempts = 3;

    private readonly bool _readOnly;
    private bool _snapshotOpened;
    private long _snapshotsOpened;
    private long _snapshotCheckedAt;
    private (long, long, long, long, long, long) _snapshotSignature;

    /// <summary>Gets how many snapshots a read-only index has opened (for tests: that it followed the writer).</summary>
    internal long SnapshotsOpened => Interlocked.Read(ref _snapshotsOpened);

    /// <summary>Gets a value indicating whether the index was opened read-only.</summary>
    internal bool IsReadOnly => _readOnly;

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException(Storage.DataFolderWriter.ReadOnlyMessage);
        }
    }

    private async ValueTask<VectorStore?> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _snapshotOpened) && _timeProvider.GetElapsedTime(Volatile.Read(ref _snapshotCheckedAt)) < SnapshotRefreshInterval)
        {
            return Volatile.Read(ref _store);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return RefreshSnapshot(force: false);
        }
        finally
        {
            ReleaseGate();
        }
    }

    /// <summary>Opens a fresh snapshot unless another caller already replaced <paramref name="stale"/>.</summary>
    private async Task ReloadSnapshotAsync(VectorStore stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RefreshSnapshot(force: ReferenceEquals(_store, stale));
        }
        finally
        {
            ReleaseGate();
        }
    }

    /// <summary>Opens a new snapshot when forced or when the files changed since the last one; the gate is held.</summary>
    private VectorStore? RefreshSnapshot(bool force)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!force && _snapshotOpened && _timeProvider.GetElapsedTime(_snapshotCheckedAt) < SnapshotRefreshInterval)
        {
            return _store;
        }

        var signature = ReadSignature();
        if (force || !_snapshotOpened || signature != _snapshotSignature)
        {
            var fresh = VectorStore.OpenReadOnly(_directory, _logger);
            var previous = _store;
            Volatile.Write(ref _store, fresh);

            // Waits for the searches running on it; later ones find it closed and take the new one.
            previous?.Dispose();
            _snapshotSignature = signature;
            Volatile.Write(ref _snapshotOpened, true);
            Interlocked.Increment(ref _snapshotsOpened);
        }

        Volatile.Write(ref _snapshotCheckedAt, _timeProvider.GetTimestamp());
        return _store;
    }

    /// <summary>
    /// Checks a snapshot, holding the gate so that no refresh closes it meanwhile. A problem may be a slot the writer
    /// reused since the snapshot was read, so it counts only when a fresh snapshot shows it too.
    /// </summary>
    private async Task<(long Checked, long ChecksumsAdded, List<string> Problems)> CheckSnapshotIntegrityAsync(bool deep, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (RefreshSnapshot(force: attempt > 1) is not { } store)
                {
                    return (0, 0, []);
                }

                var result = await store.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false);
                if (result.Problems.Count == 0 || attempt == MaxCheckAttempts)
                {
                    return result;
                }
            }
            finally
            {
                ReleaseGate();
            }
        }
    }

    /// <summary>Length and last write time of the catalog, its write-ahead log and the vector file: any commit changes one of them.</summary>
    private (long, long, long, long, long, long) ReadSignature()
    {
        static (long, long) Stat(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : (-1, -1);
        }

        var (catalogLength, catalogTime) = Stat(Path.Combine(_directory, VectorStore.CatalogFileName));
        var (walLength, walTime) = Stat(Path.Combine(_directory, VectorStore.CatalogFileName + "-wal"));
        var (vectorLength, vectorTime) = Stat(Path.Combine(_directory, VectorStore.VectorFileName));
        return (catalogLength, catalogTime, walLength, walTime, vectorLength, vectorTime);
    }
}
