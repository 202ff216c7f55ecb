using System.Globalization;
using System.Runtime.CompilerServices;
using DocPipeline.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The default vector index: exact cosine search over unit vectors kept in a memory-mapped file, with a SQLite
/// catalog of which chunk lives in which slot. No server, no approximation: every search scores every vector,
/// split across cores when the index is large.
/// </summary>
/// <remarks>
/// <para>The folder (<see cref="VectorIndexOptions.Path"/>, by default <c>vectors</c> under the data directory)
/// holds <c>vectors.bin</c> (the vectors), <c>vectors.db</c> (the catalog) and, while open, <c>vectors.lock</c>,
/// which keeps a second process from writing the same folder.</para>
/// <para>The folder is opened on first use, not when the service is created, so a process that never touches the
/// vector index never locks it. Writes run one at a time; searches run in parallel with each other and with writes,
/// which hold them back only while publishing a committed change.</para>
/// <para>Upserts that arrive while another write runs are combined: the next one to take the write gate writes
/// every upsert waiting at that moment as one batch, with one flush of the vector file and one catalog commit, and
/// completes them all (group commit). Each caller's records are validated on their own first, so one bad batch
/// fails only its own caller.</para>
/// </remarks>
internal sealed partial class EmbeddedVectorIndex : IVectorIndex, IDisposable, IAsyncDisposable
{
    private readonly string _directory;
    private readonly int _initialCapacity;
    private readonly int _parallelism;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _upsertsLock = new();
    private List<PendingUpsert> _upserts = [];
    private VectorFolderLock? _folderLock;
    private VectorStore? _store;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="EmbeddedVectorIndex"/> class from the pipeline's options.</summary>
    /// <param name="options">The pipeline options; <see cref="DocPipelineOptions.VectorIndex"/> configures the index.</param>
    /// <param name="timeProvider">The clock (it names files moved aside by <see cref="ResetAsync"/>).</param>
    /// <param name="logger">The logger, when the host has logging.</param>
    /// <param name="writer">The data folder's writer lock: this index allows one writing process per folder, so writes enter it first.</param>
    /// <param name="generations">Picks the vector generation this process serves after an embedder migration.</param>
    public EmbeddedVectorIndex(
        IOptions<DocPipelineOptions> options, TimeProvider timeProvider, ILogger<EmbeddedVectorIndex>? logger = null, Storage.DataFolderWriter? writer = null,
        Migration.VectorGenerationSelector? generations = null)
        : this(ResolveDirectory(options, generations, out var generation), options.Value.VectorIndex, timeProvider, logger ?? (ILogger)NullLogger.Instance, options.Value.ReadOnly)
    {
        writer?.Require();
        _baseDirectory = Path.GetFullPath(ResolveDirectory(options));
        _generation = generation;
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddedVectorIndex"/> class over <paramref name="directory"/>.</summary>
    /// <param name="directory">The index folder.</param>
    /// <param name="options">The index options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="readOnly">Open read-only snapshots beside a writer in another process (see <see cref="VectorStore.OpenReadOnly"/>).</param>
    internal EmbeddedVectorIndex(string directory, VectorIndexOptions options, TimeProvider timeProvider, ILogger logger, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = Path.GetFullPath(directory);
        _initialCapacity = options.InitialCapacity;
        _parallelism = options.MaxSearchParallelism > 0 ? options.MaxSearchParallelism : Environment.ProcessorCount;
        _timeProvider = timeProvider;
        _logger = logger;
        _readOnly = readOnly;
    }

    /// <inheritdoc/>
    public string Name => "vector";

    /// <summary>Gets the full path of the index folder.</summary>
    internal string DirectoryPath => _directory;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<IndexHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 1; ; attempt++)
        {
            var store = await GetStoreAsync(cancellationToken).ConfigureAwait(false);
            if (store is null)
            {
                return [];
            }

            try
            {
                if (store.TrySearch(query, topK, _parallelism, cancellationToken, out var hits))
                {
                    return hits;
                }
            }
            catch (VectorStore.SnapshotMovedException) when (attempt < MaxSearchAttempts)
            {
                // A read-only snapshot that the writer has moved past: read a fresh one and search again.
                await ReloadSnapshotAsync(store, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The store was closed under us: by disposal (fail), or by a reset that opened a new one (search that).
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfReadOnly();
        var upsert = new PendingUpsert(records, cancellationToken);
        lock (_upsertsLock)
        {
            _upserts.Add(upsert);
        }

        // Whoever takes the gate next writes every upsert waiting by then; ours may already be done when we get it.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!upsert.Completion.Task.IsCompleted)
            {
                await UpsertWaitingAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            ReleaseGate();
        }

        await upsert.Completion.Task.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        return WriteAsync(store => store.DeleteChunksAsync(chunkIds, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        return WriteAsync(store => store.DeleteDocumentsAsync(documentIds, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<IndexEntry> ListEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (await GetStoreAsync(cancellationToken, loaded: false).ConfigureAwait(false) is not { } store)
        {
            yield break;
        }

        await foreach (var entry in store.ListEntriesAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <inheritdoc/>
    public async Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var store = await GetStoreAsync(cancellationToken, loaded: false).ConfigureAwait(false);
        return store?.GetStatistics() ?? new IndexStatistics(0, 0, 0);
    }

    /// <inheritdoc/>
    /// <remarks>Clearing also forgets the dimensions, so the index can be rebuilt with another embedding model.</remarks>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        WriteAsync(store => store.ClearAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Opens the index if it is not open yet and reports why it cannot be, instead of throwing: the way to find out
    /// whether an index needs <see cref="ResetAsync"/> and a rebuild from stored embeddings.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="null"/> when the index is open; otherwise the error, naming the damaged or missing file.</returns>
    internal Task<DocPipelineStorageException?> TryOpenAsync(CancellationToken cancellationToken) => TryOpenAsync(loaded: true, cancellationToken);

    /// <summary>
    /// Like <see cref="TryOpenAsync(CancellationToken)"/>, but leaves the entries unloaded until the first search or
    /// write: the check of a pipeline's start (see <see cref="VectorStore.Probe"/>), which costs a few page reads.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="null"/> when the index is open; otherwise the error, naming the damaged or missing file.</returns>
    internal Task<DocPipelineStorageException?> TryProbeAsync(CancellationToken cancellationToken) => TryOpenAsync(loaded: false, cancellationToken);

    private async Task<DocPipelineStorageException?> TryOpenAsync(bool loaded, CancellationToken cancellationToken)
    {
        try
        {
            await GetStoreAsync(cancellationToken, loaded).ConfigureAwait(false);
            return null;
        }
        catch (DocPipelineStorageException ex)
        {
            return ex;
        }
    }

    /// <summary>
    /// Moves the index files aside (renamed with a <c>.damaged-…</c> suffix, never deleted) and opens a new, empty
    /// index in the folder: the first step of rebuilding an index that <see cref="TryOpenAsync(CancellationToken)"/> reported damaged.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The suffix the moved files were given.</returns>
    internal async Task<string> ResetAsync(CancellationToken cancellationToken)
    {
        var suffix = Consistency.DataFolderLayout.DamagedInfix + _timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        await ReopenAsync(
            () =>
            {
                foreach (var name in (string[])[VectorStore.CatalogFileName, VectorStore.CatalogFileName + "-wal", VectorStore.CatalogFileName + "-shm", VectorStore.VectorFileName])
                {
                    var path = Path.Combine(_directory, name);
                    if (File.Exists(path))
                    {
                        File.Move(path, path + suffix);
                    }
                }

                VectorIndexLog.MovedAside(_logger, _directory, suffix);
            },
            cancellationToken).ConfigureAwait(false);
        return suffix;
    }

    /// <summary>Checks the catalog file and the stored vectors (see <see cref="VectorStore.CheckIntegrityAsync"/>), holding writes meanwhile.</summary>
    /// <param name="deep">Also run SQLite's full integrity check and compare every vector with its checksum.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Entries checked, checksums added, and the problems found.</returns>
    internal async Task<(long Checked, long ChecksumsAdded, List<string> Problems)> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            return await CheckSnapshotIntegrityAsync(deep, cancellationToken).ConfigureAwait(false);
        }

        (long, long, List<string>) result = default;
        await WriteAsync(async store => result = await store.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Closes the files and opens them again, holding the folder lock throughout; a finished rebuild beside the folder
    /// is swapped in on the way (see <see cref="RebuildStaging"/>). Writes wait meanwhile; searches wait for the new store.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    internal Task ReopenAsync(CancellationToken cancellationToken) => ReopenAsync(whileClosed: null, cancellationToken);

    /// <summary>
    /// Copies the index files into <paramref name="destinationDirectory"/> (created when missing; it must not hold an
    /// index already) while writes wait, so the copy is consistent; searches go on meanwhile. The copy opens as an index.
    /// </summary>
    /// <param name="destinationDirectory">The folder to copy into.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the copy is complete and flushed.</returns>
    internal Task CopyToAsync(string destinationDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationDirectory);
        return WriteAsync(store => store.CopyToAsync(Path.GetFullPath(destinationDirectory), cancellationToken), cancellationToken);
    }

    /// <summary>Reads the metadata stored with a chunk.</summary>
    /// <param name="chunkId">The chunk id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The metadata, or <see langword="null"/> when the chunk is unknown or was written without metadata.</returns>
    internal async Task<IReadOnlyDictionary<string, string>?> GetMetadataAsync(string chunkId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunkId);
        var store = await GetStoreAsync(cancellationToken, loaded: false).ConfigureAwait(false);
        return store is null ? null : await store.ReadMetadataAsync(chunkId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams every entry with its vector and metadata, one document after another (see <see cref="VectorStore.StreamRecordsAsync"/>).</summary>
    /// <param name="cancellationToken">A token to cancel the enumeration.</param>
    /// <returns>The records; each vector is a copy, normalized as the index keeps it.</returns>
    internal async IAsyncEnumerable<VectorRecord> StreamRecordsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        var store = (await GetStoreAsync(cancellationToken, loaded: false).ConfigureAwait(false))!;
        await foreach (var record in store.StreamRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>Gets the dimensions of the stored vectors, or <see langword="null"/> while the index holds none.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    internal async Task<int?> GetDimensionsAsync(CancellationToken cancellationToken) =>
        (await GetStoreAsync(cancellationToken, loaded: false).ConfigureAwait(false))?.Dimensions;

    /// <summary>For tests: holds the write gate until the result is disposed, so that writes queue up behind it.</summary>
    internal async Task<IDisposable> HoldWritesAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        return new GateRelease(this);
    }

    public void Dispose()
    {
        _disposed = true;

        // Never blocks: with no write running the files close now; otherwise the running write closes them as it
        // releases the gate (see ReleaseGate), so its files never close under it.
        if (_gate.Wait(0))
        {
            ReleaseGate();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _gate.WaitAsync().ConfigureAwait(false);
        ReleaseGate();
    }

    /// <summary>Closes the store, runs <paramref name="whileClosed"/> holding the folder lock, and opens the store again.</summary>
    private async Task ReopenAsync(Action? whileClosed, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Unpublish first, so searches wait at the gate for the new store instead of retrying the closed one.
            var previous = _store;
            Volatile.Write(ref _store, null);
            previous?.Dispose();
            _folderLock ??= VectorFolderLock.Acquire(_directory);
            whileClosed?.Invoke();
            OpenCore();
        }
        finally
        {
            ReleaseGate();
        }
    }

    private static string ResolveDirectory(IOptions<DocPipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        return value.ResolvePath(value.VectorIndex.Path, Consistency.DataFolderLayout.VectorFolderName);
    }

    /// <summary>Releases the gate; after disposal, whoever holds the gate last closes the files.</summary>
    private void ReleaseGate()
    {
        if (_disposed)
        {
            _store?.Dispose();
            _store = null;
            _folderLock?.Dispose();
            _folderLock = null;
        }

        _gate.Release();

        // Dispose may have run between the check above and the release, found the gate taken, and left the closing
        // to this holder: take the gate back (never waiting) and close.
        if (_disposed && (_store is not null || _folderLock is not null) && _gate.Wait(0))
        {
            ReleaseGate();
        }
    }

    /// <summary>
    /// Writes every waiting upsert as one batch and completes each; the gate is held. A caller whose records are
    /// invalid, or who cancelled while waiting, gets its own outcome; a failure of the shared write fails them all.
    /// </summary>
    private async Task UpsertWaitingAsync()
    {
        List<PendingUpsert> waiting;
        lock (_upsertsLock)
        {
            waiting = _upserts;
            _upserts = [];
        }

        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var store = await OpenLoadedAsync(CancellationToken.None).ConfigureAwait(false);
            var batches = new List<NormalizedVectorBatch>(waiting.Count);
            var included = new List<PendingUpsert>(waiting.Count);
            foreach (var upsert in waiting)
            {
                if (upsert.CancellationToken.IsCancellationRequested)
                {
                    upsert.Completion.TrySetCanceled(upsert.CancellationToken);
                    continue;
                }

                try
                {
                    // Validated against the dimensions the first batch of this group fixes, when the index has none yet.
                    var batch = NormalizedVectorBatch.Create(upsert.Records, store.Dimensions ?? (batches.Count > 0 ? batches[0].Dimensions : null));
                    batches.Add(batch);
                    included.Add(upsert);
                }
                catch (ArgumentException ex)
                {
                    upsert.Completion.TrySetException(ex);
                }
            }

            if (batches.Count > 0)
            {
                await store.UpsertAsync(NormalizedVectorBatch.Combine(batches), CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var upsert in included)
            {
                upsert.Completion.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            foreach (var upsert in waiting)
            {
                upsert.Completion.TrySetException(ex);
            }
        }
    }

    private async Task WriteAsync(Func<VectorStore, Task> write, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var store = await OpenLoadedAsync(cancellationToken).ConfigureAwait(false);
            await write(store).ConfigureAwait(false);
        }
        finally
        {
            ReleaseGate();
        }
    }

    /// <summary>The open store (read-only: the current snapshot, or <see langword="null"/> while the folder holds no index).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <param name="loaded">Whether the caller needs the entries loaded (a search does; a count or a catalog read does not).</param>
    private async ValueTask<VectorStore?> GetStoreAsync(CancellationToken cancellationToken, bool loaded = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readOnly)
        {
            return await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _store) is { } open && (open.IsLoaded || !loaded))
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return loaded ? await OpenLoadedAsync(cancellationToken).ConfigureAwait(false) : _store ?? OpenCore();
        }
        finally
        {
            ReleaseGate();
        }
    }

    /// <summary>
    /// Takes the folder lock and opens the store, leaving its entries unloaded; the gate is held. A failure is not
    /// cached, so a fixed folder opens on the next call.
    /// </summary>
    private VectorStore OpenCore()
    {
        _folderLock ??= VectorFolderLock.Acquire(_directory);

        // A rebuild writes its index beside this folder: swap in a finished one, delete one that died.
        RebuildStaging.Recover(_directory, IsIndexFile, TryLockFolder, _logger);
        var store = VectorStore.Open(_directory, _initialCapacity, _logger);
        Volatile.Write(ref _store, store);
        return store;
    }

    /// <summary>Opens the store unless it is open, and loads its entries unless they are loaded; the gate is held.</summary>
    private async Task<VectorStore> OpenLoadedAsync(CancellationToken cancellationToken)
    {
        var store = _store ?? OpenCore();
        if (!store.IsLoaded)
        {
            await store.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
            VectorIndexLog.Opened(_logger, _directory, store.Count, store.Dimensions ?? 0);
        }

        return store;
    }

    /// <summary>An upsert waiting for the write gate: its records, its caller's token, and the outcome to report.</summary>
    /// <summary>Whether a file of the index folder belongs to the index (not its lock file).</summary>
    internal static bool IsIndexFile(string name) =>
        name is VectorStore.CatalogFileName or VectorStore.CatalogFileName + "-wal" or VectorStore.CatalogFileName + "-shm" or VectorStore.VectorFileName;

    private static VectorFolderLock? TryLockFolder(string directory)
    {
        try
        {
            return VectorFolderLock.Acquire(directory);
        }
        catch (DocPipelineStorageException)
        {
            return null;
        }
    }

    private sealed class PendingUpsert(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        public IReadOnlyList<VectorRecord> Records { get; } = records;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class GateRelease(EmbeddedVectorIndex index) : IDisposable
    {
        public void Dispose() => index.ReleaseGate();
    }
}
