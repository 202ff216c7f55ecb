namespace DocPipeline.Fingerprints;

/// <summary>
/// A volatile fingerprint store for tests and throw-away runs, chosen explicitly with
/// <c>UseInMemoryFingerprintStore()</c>. It keeps times at the same millisecond precision as the SQLite store, so a
/// test written against it sees what production would.
/// </summary>
internal sealed class InMemoryFingerprintStore(TimeProvider timeProvider) : IFingerprintStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SourceFingerprint> _fingerprints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FingerprintHistoryEntry>> _history = new(StringComparer.Ordinal);

    public Task<SourceFingerprint?> GetAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_fingerprints.GetValueOrDefault(source));
        }
    }

    public Task<IReadOnlyDictionary<string, SourceFingerprint>> GetManyAsync(IReadOnlyCollection<string> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, SourceFingerprint>(sources.Count, StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var source in sources)
            {
                ArgumentNullException.ThrowIfNull(source, nameof(sources));
                if (_fingerprints.TryGetValue(source, out var fingerprint))
                {
                    found[source] = fingerprint;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, SourceFingerprint>>(found);
    }

    public Task UpsertAsync(IReadOnlyCollection<SourceFingerprint> fingerprints, CancellationToken cancellationToken = default)
    {
        FingerprintArguments.ThrowIfInvalid(fingerprints);
        cancellationToken.ThrowIfCancellationRequested();
        var recordedAt = FingerprintTimestamps.Truncate(timeProvider.GetUtcNow());
        lock (_gate)
        {
            foreach (var given in fingerprints)
            {
                var fingerprint = FingerprintTimestamps.Truncate(given);
                if (!_fingerprints.TryGetValue(fingerprint.Source, out var current) ||
                    !string.Equals(current.ContentHash, fingerprint.ContentHash, StringComparison.Ordinal) ||
                    !string.Equals(current.MetadataHash, fingerprint.MetadataHash, StringComparison.Ordinal))
                {
                    HistoryOf(fingerprint.Source).Add(new FingerprintHistoryEntry(
                        fingerprint.Source,
                        fingerprint.ContentHash,
                        fingerprint.MetadataHash,
                        fingerprint.Size,
                        fingerprint.LastWriteTimeUtc,
                        fingerprint.DocumentId,
                        recordedAt)
                    {
                        Change = current is null ? FingerprintChange.Added : FingerprintChange.Updated,
                    });
                }

                _fingerprints[fingerprint.Source] = fingerprint;
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> sources, DateTimeOffset seenAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        cancellationToken.ThrowIfCancellationRequested();
        var seen = FingerprintTimestamps.Truncate(seenAt);
        lock (_gate)
        {
            foreach (var source in sources)
            {
                ArgumentNullException.ThrowIfNull(source, nameof(sources));
                if (_fingerprints.TryGetValue(source, out var fingerprint))
                {
                    _fingerprints[source] = fingerprint with { LastSeenAt = seen };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FingerprintHistoryEntry>> GetHistoryAsync(string source, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<FingerprintHistoryEntry> newestFirst = _history.TryGetValue(source, out var entries)
                ? entries.AsEnumerable().Reverse().Take(limit).ToList()
                : [];
            return Task.FromResult(newestFirst);
        }
    }

    public Task<bool> RemoveAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_fingerprints.Remove(source, out var removed))
            {
                return Task.FromResult(false);
            }

            HistoryOf(source).Add(new FingerprintHistoryEntry(
                source, removed.ContentHash, removed.MetadataHash, removed.Size, removed.LastWriteTimeUtc, removed.DocumentId, FingerprintTimestamps.Truncate(timeProvider.GetUtcNow()))
            {
                Change = FingerprintChange.Removed,
            });
            return Task.FromResult(true);
        }
    }

    public Task<int> RemoveNotSeenSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var before = FingerprintTimestamps.Truncate(cutoff);
        lock (_gate)
        {
            var stale = _fingerprints.Values.Where(f => f.LastSeenAt < before).Select(f => f.Source).ToList();

            // History left behind by RemoveAsync: its newest entry stands in for "last seen".
            var orphans = _history
                .Where(h => !_fingerprints.ContainsKey(h.Key) && h.Value[^1].RecordedAt < before)
                .Select(h => h.Key)
                .ToList();
            foreach (var source in stale.Concat(orphans))
            {
                _fingerprints.Remove(source);
                _history.Remove(source);
            }

            return Task.FromResult(stale.Count + orphans.Count);
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult((long)_fingerprints.Count);
        }
    }

    /// <summary>The history entries of a source, oldest first (created when missing); call under the lock.</summary>
    private List<FingerprintHistoryEntry> HistoryOf(string source)
    {
        if (!_history.TryGetValue(source, out var entries))
        {
            entries = [];
            _history[source] = entries;
        }

        return entries;
    }
}
