using DocPipeline.Fingerprints;

namespace DocPipeline.Tests.Fingerprints;

/// <summary>A real store, counting the round trips made to it.</summary>
internal sealed class CountingFingerprintStore : IFingerprintStore
{
    private readonly IFingerprintStore _inner;

    /// <summary>Counts calls to <paramref name="inner"/>. Internal so that a container only sees the other constructor.</summary>
    internal CountingFingerprintStore(IFingerprintStore inner)
    {
        _inner = inner;
    }

    /// <summary>Counts calls to a fresh in-memory store (the constructor a container uses).</summary>
    public CountingFingerprintStore(TimeProvider timeProvider)
        : this(new InMemoryFingerprintStore(timeProvider))
    {
    }

    public int GetManyCalls { get; private set; }

    public int MarkSeenCalls { get; private set; }

    public int UpsertCalls { get; private set; }

    public Task<SourceFingerprint?> GetAsync(string source, CancellationToken cancellationToken = default) =>
        _inner.GetAsync(source, cancellationToken);

    public Task<IReadOnlyDictionary<string, SourceFingerprint>> GetManyAsync(IReadOnlyCollection<string> sources, CancellationToken cancellationToken = default)
    {
        GetManyCalls++;
        return _inner.GetManyAsync(sources, cancellationToken);
    }

    public Task UpsertAsync(IReadOnlyCollection<SourceFingerprint> fingerprints, CancellationToken cancellationToken = default)
    {
        UpsertCalls++;
        return _inner.UpsertAsync(fingerprints, cancellationToken);
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> sources, DateTimeOffset seenAt, CancellationToken cancellationToken = default)
    {
        MarkSeenCalls++;
        return _inner.MarkSeenAsync(sources, seenAt, cancellationToken);
    }

    public Task<IReadOnlyList<FingerprintHistoryEntry>> GetHistoryAsync(string source, int limit, CancellationToken cancellationToken = default) =>
        _inner.GetHistoryAsync(source, limit, cancellationToken);

    public Task<bool> RemoveAsync(string source, CancellationToken cancellationToken = default) =>
        _inner.RemoveAsync(source, cancellationToken);

    public Task<int> RemoveNotSeenSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        _inner.RemoveNotSeenSinceAsync(cutoff, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

    public void Reset() => GetManyCalls = MarkSeenCalls = UpsertCalls = 0;
}
