using DocPipeline.Fingerprints;

namespace DocPipeline.Tests.Fingerprints;

/// <summary>A real store, counting the round trips made to it.</summary>
internal sealed class CountingFingerprintStore(IFingerprintStore inner) : IFingerprintStore
{
    public int GetManyCalls { get; private set; }

    public int MarkSeenCalls { get; private set; }

    public int UpsertCalls { get; private set; }

    public Task<SourceFingerprint?> GetAsync(string source, CancellationToken cancellationToken = default) =>
        inner.GetAsync(source, cancellationToken);

    public Task<IReadOnlyDictionary<string, SourceFingerprint>> GetManyAsync(IReadOnlyCollection<string> sources, CancellationToken cancellationToken = default)
    {
        GetManyCalls++;
        return inner.GetManyAsync(sources, cancellationToken);
    }

    public Task UpsertAsync(IReadOnlyCollection<SourceFingerprint> fingerprints, CancellationToken cancellationToken = default)
    {
        UpsertCalls++;
        return inner.UpsertAsync(fingerprints, cancellationToken);
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> sources, DateTimeOffset seenAt, CancellationToken cancellationToken = default)
    {
        MarkSeenCalls++;
        return inner.MarkSeenAsync(sources, seenAt, cancellationToken);
    }

    public Task<IReadOnlyList<FingerprintHistoryEntry>> GetHistoryAsync(string source, int limit, CancellationToken cancellationToken = default) =>
        inner.GetHistoryAsync(source, limit, cancellationToken);

    public Task<bool> RemoveAsync(string source, CancellationToken cancellationToken = default) =>
        inner.RemoveAsync(source, cancellationToken);

    public Task<int> RemoveNotSeenSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        inner.RemoveNotSeenSinceAsync(cutoff, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

    public void Reset() => GetManyCalls = MarkSeenCalls = UpsertCalls = 0;
}
