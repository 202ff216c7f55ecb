using System.Runtime.CompilerServices;
using DocPipeline.Configuration;
using DocPipeline.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Fingerprints;

/// <summary>
/// Decides, as cheaply as possible, whether file sources changed since their fingerprints were recorded: a
/// <c>stat</c> first, the content's SHA-256 only when the stat differs (or when forced).
/// </summary>
/// <remarks>
/// <para>A batch costs one <c>stat</c> per file, one <see cref="IFingerprintStore.GetManyAsync"/>, one
/// <see cref="IFingerprintStore.MarkSeenAsync"/> for the unchanged files and one
/// <see cref="IFingerprintStore.UpsertAsync"/> for the touched ones, so re-checking an unchanged corpus never opens a
/// file. Files whose stat differs are hashed, several at a time.</para>
/// <para>Last-write times are compared at the stored precision (milliseconds). A file written again within the same
/// clock tick as the write its fingerprint saw keeps its size and time, and a stat cannot tell. So, as Git does with
/// "racily clean" entries, a fingerprint whose last-write time lies within <see cref="RacyWindow"/> of the moment it
/// was taken (its <see cref="SourceFingerprint.LastSeenAt"/>) is not trusted: the file is hashed again, and once the
/// hash confirms it, marking it seen moves it out of the window. The window covers file systems that keep times in
/// whole seconds or even two-second steps (FAT); it costs one extra hash of files modified just before a run. A
/// last-write time in the future (clock skew) keeps a file inside the window, so it is hashed until the clock passes it.</para>
/// </remarks>
internal sealed partial class FileFingerprinter
{
    /// <summary>How many sources <see cref="CheckAllAsync"/> checks per store round trip.</summary>
    public const int BatchSize = 1000;

    /// <summary>How close to the moment it was taken a fingerprint's last-write time may be before the stat is not trusted.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    /// <summary>From how many sources on a batch's stats are spread over several threads.</summary>
    private const int ParallelStatThreshold = 64;

    private static readonly IReadOnlyDictionary<string, SourceFingerprint> NoFingerprints = new Dictionary<string, SourceFingerprint>(StringComparer.Ordinal);

    private readonly IFingerprintStore _store;
    private readonly IFingerprintFileSystem _files;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly MetadataHasher _metadataHasher;
    private readonly bool _enabled;
    private readonly bool _includeMetadata;
    private readonly TimeSpan _retention;
    private readonly int _concurrency = Math.Max(1, Environment.ProcessorCount);

    public FileFingerprinter(
        IFingerprintStore store,
        IFingerprintFileSystem files,
        IOptions<DocPipelineOptions> options,
        TimeProvider timeProvider,
        ILogger<FileFingerprinter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _files = files;
        _timeProvider = timeProvider;

        // Optional so that a container without logging (a bare ServiceCollection) can still resolve it.
        _logger = logger ?? NullLogger<FileFingerprinter>.Instance;

        // Copied once: the engine is immutable, later changes to the options object have no effect.
        var settings = options.Value.Fingerprint;
        _enabled = settings.Enabled;
        _includeMetadata = settings.IncludeMetadata;
        _retention = TimeSpan.FromDays(settings.RetentionDays);
        _metadataHasher = new MetadataHasher(settings.ExcludedMetadataKeys.ToArray());
    }

    /// <summary>Checks whether one file changed since its fingerprint (recording a touch or a sighting as a side effect).</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the file is new or its content or metadata changed.</returns>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be read; the message names it.</exception>
    public async Task<bool> HasChangedAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var check = await CheckAsync(new FingerprintRequest(path), force: false, cancellationToken).ConfigureAwait(false);
        return check.Status switch
        {
            FingerprintStatus.Missing => throw new FileNotFoundException($"Cannot check '{check.Source}': there is no file at that path.", check.Source),
            FingerprintStatus.Failed or FingerprintStatus.NotRegularFile => throw new IOException(check.Error),
            FingerprintStatus.New or FingerprintStatus.Changed or FingerprintStatus.MetadataChanged => true,
            _ => false,
        };
    }

    /// <summary>Checks one source.</summary>
    /// <param name="request">The source.</param>
    /// <param name="force"><see langword="true"/> to hash the content even when the stat matches.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The outcome.</returns>
    public async Task<FingerprintCheck> CheckAsync(FingerprintRequest request, bool force, CancellationToken cancellationToken = default)
    {
        var checks = await CheckBatchAsync([request], force, cancellationToken).ConfigureAwait(false);
        return checks[0];
    }

    /// <summary>Checks a stream of sources in batches of <see cref="BatchSize"/>, yielding outcomes in input order.</summary>
    /// <param name="sources">The sources, enumerated lazily.</param>
    /// <param name="force"><see langword="true"/> to hash every file even when its stat matches.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One outcome per source.</returns>
    public async IAsyncEnumerable<FingerprintCheck> CheckAllAsync(
        IAsyncEnumerable<FingerprintRequest> sources,
        bool force,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var batch = new List<FingerprintRequest>(BatchSize);
        await foreach (var source in sources.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(source);
            if (batch.Count == BatchSize)
            {
                foreach (var check in await CheckBatchAsync(batch, force, cancellationToken).ConfigureAwait(false))
                {
                    yield return check;
                }

                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            foreach (var check in await CheckBatchAsync(batch, force, cancellationToken).ConfigureAwait(false))
            {
                yield return check;
            }
        }
    }

    /// <summary>
    /// Checks a batch of sources: a stat each, one store read, hashing where the stat differs, then one write for the
    /// unchanged sources and one for the touched ones.
    /// </summary>
    /// <param name="batch">The sources (about <see cref="BatchSize"/>).</param>
    /// <param name="force"><see langword="true"/> to hash every file even when its stat matches.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One outcome per source, in input order.</returns>
    public async Task<IReadOnlyList<FingerprintCheck>> CheckBatchAsync(IReadOnlyList<FingerprintRequest> batch, bool force, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();

        // Taken before any stat: a fingerprint's LastSeenAt never claims more than was observed (see RacyWindow).
        var now = FingerprintTimestamps.Truncate(_timeProvider.GetUtcNow());
        force |= !_enabled;

        var items = new Item[batch.Count];
        if (batch.Count >= ParallelStatThreshold && _concurrency > 1)
        {
            // A stat is a system call that waits on the kernel (or a network file system); like Git's preloaded
            // index, stat a large batch from several threads.
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken }, i => items[i] = Examine(batch[i]));
        }
        else
        {
            for (var i = 0; i < batch.Count; i++)
            {
                items[i] = Examine(batch[i]);
            }
        }

        var sources = new List<string>(batch.Count);
        foreach (var item in items)
        {
            if (item.Error is null)
            {
                sources.Add(item.Source);
            }
        }

        var stored = sources.Count == 0 ? NoFingerprints : await _store.GetManyAsync(sources, cancellationToken).ConfigureAwait(false);
        var results = new FingerprintCheck[batch.Count];
        var toHash = new List<int>();
        var seen = new List<string>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            var previous = item.Error is null ? stored.GetValueOrDefault(item.Source) : null;
            if (item.Error is not null)
            {
                results[i] = item.Stat is { Kind: not (SourceFileKind.Regular or SourceFileKind.Unknown) }
                    ? new FingerprintCheck { Source = item.Source, Status = FingerprintStatus.NotRegularFile, Error = item.Error }
                    : Failed(item.Source, item.Error);
            }
            else if (item.Stat is null)
            {
                results[i] = Result(item, FingerprintStatus.Missing, previous, fingerprint: null, hashed: false);
            }
            else if (!force && previous is not null && StatMatches(item, previous) && !IsRacy(previous))
            {
                if (string.Equals(item.MetadataHash, previous.MetadataHash, StringComparison.Ordinal))
                {
                    seen.Add(item.Source);
                    results[i] = Result(item, FingerprintStatus.Unchanged, previous, previous with { LastSeenAt = now }, hashed: false);
                }
                else
                {
                    var fingerprint = previous with { MetadataHash = item.MetadataHash, LastSeenAt = now };
                    results[i] = Result(item, FingerprintStatus.MetadataChanged, previous, fingerprint, hashed: false);
                }
            }
            else
            {
                toHash.Add(i);
            }
        }

        var touched = new List<SourceFingerprint>();
        if (toHash.Count > 0)
        {
            var hashes = await HashAllAsync(items, toHash, cancellationToken).ConfigureAwait(false);
            for (var n = 0; n < toHash.Count; n++)
            {
                var i = toHash[n];
                results[i] = Classify(items[i], stored.GetValueOrDefault(items[i].Source), hashes[n], now, seen, touched);
            }
        }

        if (seen.Count > 0)
        {
            await _store.MarkSeenAsync(seen, now, cancellationToken).ConfigureAwait(false);
        }

        if (touched.Count > 0)
        {
            await _store.UpsertAsync(touched, cancellationToken).ConfigureAwait(false);
        }

        foreach (var result in results)
        {
            if (result.Status == FingerprintStatus.Failed)
            {
                LogCheckFailed(_logger, result.Source, result.Error!);
            }
        }

        LogBatchChecked(_logger, batch.Count, toHash.Count, seen.Count, touched.Count);
        return results;
    }

    /// <summary>
    /// Removes the fingerprints and history of sources not seen for <c>DocPipeline:Fingerprint:RetentionDays</c>
    /// before <paramref name="runStartedAt"/>. Call it after a run: a source that run saw is never removed, so with a
    /// retention of 0 exactly the sources the run did not see are removed.
    /// </summary>
    /// <param name="runStartedAt">When the run started, before its first check (its sightings are recorded at or after it).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of sources removed.</returns>
    public Task<int> RemoveExpiredAsync(DateTimeOffset runStartedAt, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        return _store.RemoveNotSeenSinceAsync((runStartedAt < now ? runStartedAt : now) - _retention, cancellationToken);
    }

    private static bool StatMatches(in Item item, SourceFingerprint fingerprint) =>
        item.Stat!.Value.Length == fingerprint.Size &&
        FingerprintTimestamps.Truncate(item.Stat.Value.LastWriteTimeUtc) == FingerprintTimestamps.Truncate(fingerprint.LastWriteTimeUtc);

    private static bool IsRacy(SourceFingerprint fingerprint) =>
        fingerprint.LastSeenAt - fingerprint.LastWriteTimeUtc < RacyWindow;

    private static FingerprintCheck Failed(string source, string error) =>
        new() { Source = source, Status = FingerprintStatus.Failed, Error = error };

    /// <summary>Resolves the path, stats the file and hashes its metadata; never throws for a bad source.</summary>
    private Item Examine(FingerprintRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Path))
        {
            return new Item(request.Path ?? string.Empty, null, null, "A source path is empty.");
        }

        string source;
        FileStat? stat;
        try
        {
            source = Path.GetFullPath(request.Path);
            stat = _files.GetStat(source);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new Item(request.Path, null, null, $"Cannot examine '{request.Path}': {ex.Message}");
        }

        if (stat is null)
        {
            return new Item(source, null, null, null);
        }

        if (stat.Value.Kind is not (SourceFileKind.Regular or SourceFileKind.Unknown))
        {
            // Never opened: reading a FIFO waits for a writer, and a device such as /dev/zero never ends.
            return new Item(source, stat, null, SourceFile.NotRegularReason(source, stat.Value.Kind));
        }

        try
        {
            return new Item(source, stat, HashMetadata(request.Metadata, source, stat.Value), null);
        }
        catch (ArgumentException ex)
        {
            return new Item(source, stat, null, $"Cannot hash the metadata of '{source}': {ex.Message}");
        }
    }

    private string? HashMetadata(IReadOnlyDictionary<string, object?>? metadata, string source, FileStat stat)
    {
        if (!_includeMetadata)
        {
            return _metadataHasher.Hash(metadata);
        }

        var withFile = metadata is null
            ? new Dictionary<string, object?>(3, StringComparer.Ordinal)
            : new Dictionary<string, object?>(metadata, StringComparer.Ordinal);
        withFile[FingerprintMetadataKeys.FileName] = Path.GetFileName(source);
        withFile[FingerprintMetadataKeys.FileSize] = stat.Length;
        withFile[FingerprintMetadataKeys.LastWriteTimeUtc] = FingerprintTimestamps.Truncate(stat.LastWriteTimeUtc);
        return _metadataHasher.Hash(withFile);
    }

    private async Task<HashOutcome[]> HashAllAsync(Item[] items, List<int> toHash, CancellationToken cancellationToken)
    {
        var hashes = new HashOutcome[toHash.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken };

        // Workers run on the thread pool, never on the caller's thread; each reads its files with blocking reads (see ContentHasher.Hash).
        await Parallel.ForEachAsync(Enumerable.Range(0, toHash.Count), options, (n, token) =>
        {
            hashes[n] = HashFile(items[toHash[n]].Source, token);
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        return hashes;
    }

    private HashOutcome HashFile(string source, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = _files.OpenRead(source);
            return new HashOutcome(ContentHasher.Hash(stream, cancellationToken), Missing: false, Error: null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted between the stat and the open.
            return new HashOutcome(null, Missing: true, Error: null);
        }
        catch (UnauthorizedAccessException ex)
        {
            // Said the way the operating system says it (EACCES), as the ingestion job does for the same fault.
            return new HashOutcome(null, Missing: false, Error: $"Permission denied: cannot read '{source}' ({ex.Message})");
        }
        catch (IOException ex)
        {
            return new HashOutcome(null, Missing: false, Error: $"Cannot read '{source}': {ex.Message}");
        }
    }

    private FingerprintCheck Classify(
        in Item item,
        SourceFingerprint? previous,
        HashOutcome hash,
        DateTimeOffset now,
        List<string> seen,
        List<SourceFingerprint> touched)
    {
        if (hash.Error is not null)
        {
            return Failed(item.Source, hash.Error);
        }

        if (hash.Missing)
        {
            return Result(item, FingerprintStatus.Missing, previous, fingerprint: null, hashed: false);
        }

        var stat = item.Stat!.Value;

        // The stat taken before hashing is what gets recorded: if the file changes during or after the read, its
        // last-write time moves past this one and the next check hashes it again.
        var fingerprint = new SourceFingerprint
        {
            Source = item.Source,
            Size = stat.Length,
            LastWriteTimeUtc = FingerprintTimestamps.Truncate(stat.LastWriteTimeUtc),
            ContentHash = hash.ContentHash!,
            MetadataHash = item.MetadataHash,
            DocumentId = previous?.DocumentId,
            LastSeenAt = now,
        };

        FingerprintStatus status;
        if (previous is null)
        {
            status = FingerprintStatus.New;
        }
        else if (!string.Equals(fingerprint.ContentHash, previous.ContentHash, StringComparison.Ordinal))
        {
            status = FingerprintStatus.Changed;
        }
        else if (!string.Equals(fingerprint.MetadataHash, previous.MetadataHash, StringComparison.Ordinal))
        {
            status = FingerprintStatus.MetadataChanged;
        }
        else if (StatMatches(item, previous))
        {
            status = FingerprintStatus.Unchanged;
            seen.Add(item.Source);
        }
        else
        {
            status = FingerprintStatus.Touched;
            touched.Add(fingerprint);
        }

        return Result(item, status, previous, fingerprint, hashed: true);
    }

    private FingerprintCheck Result(in Item item, FingerprintStatus status, SourceFingerprint? previous, SourceFingerprint? fingerprint, bool hashed) => new()
    {
        Source = item.Source,
        Status = status,
        Previous = previous,
        Fingerprint = fingerprint,
        ContentHashed = hashed,
        NeedsProcessing = status is FingerprintStatus.New or FingerprintStatus.Changed or FingerprintStatus.MetadataChanged ||
            (!_enabled && status is FingerprintStatus.Unchanged or FingerprintStatus.Touched),
    };

    [LoggerMessage(3000, LogLevel.Warning, "Cannot fingerprint '{Source}': {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string source, string reason);

    [LoggerMessage(3001, LogLevel.Debug, "Checked {Count} sources: {Hashed} hashed, {Unchanged} unchanged, {Touched} touched")]
    private static partial void LogBatchChecked(ILogger logger, int count, int hashed, int unchanged, int touched);

    /// <summary>A source after its stat: the full path, the stat (<see langword="null"/> when missing), the metadata hash, or why it failed.</summary>
    private readonly record struct Item(string Source, FileStat? Stat, string? MetadataHash, string? Error);

    private readonly record struct HashOutcome(string? ContentHash, bool Missing, string? Error);
}
