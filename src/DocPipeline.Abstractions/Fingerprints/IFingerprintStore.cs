namespace DocPipeline.Fingerprints;

/// <summary>Durable storage of source fingerprints and of the history of each source's processed versions.</summary>
public interface IFingerprintStore
{
    /// <summary>Gets the fingerprint of a source.</summary>
    /// <param name="source">The source.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The fingerprint, or <see langword="null"/> when the source was never recorded.</returns>
    Task<SourceFingerprint?> GetAsync(string source, CancellationToken cancellationToken = default);

    /// <summary>Gets the fingerprints of many sources in one round trip.</summary>
    /// <param name="sources">The sources.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The fingerprints found, keyed by source (ordinal comparison); unknown sources are absent.</returns>
    Task<IReadOnlyDictionary<string, SourceFingerprint>> GetManyAsync(IReadOnlyCollection<string> sources, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores fingerprints. A history entry is added for each one whose content or metadata hash differs from the
    /// stored one (or that is new), saying <see cref="FingerprintChange.Updated"/> (or <see cref="FingerprintChange.Added"/>);
    /// a fingerprint that only changed its last-write time adds no history.
    /// </summary>
    /// <param name="fingerprints">The fingerprints.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the fingerprints are durable.</returns>
    Task UpsertAsync(IReadOnlyCollection<SourceFingerprint> fingerprints, CancellationToken cancellationToken = default);

    /// <summary>Records that sources were seen by a run (they exist and are unchanged).</summary>
    /// <param name="sources">The sources.</param>
    /// <param name="seenAt">When they were seen.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    Task MarkSeenAsync(IReadOnlyCollection<string> sources, DateTimeOffset seenAt, CancellationToken cancellationToken = default);

    /// <summary>Gets the processed versions of a source, newest first.</summary>
    /// <param name="source">The source.</param>
    /// <param name="limit">The maximum number of entries.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The history entries.</returns>
    Task<IReadOnlyList<FingerprintHistoryEntry>> GetHistoryAsync(string source, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a source's fingerprint, adding a <see cref="FingerprintChange.Removed"/> history entry that repeats it
    /// (the history is kept until cleanup).
    /// </summary>
    /// <param name="source">The source.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the source was not recorded.</returns>
    Task<bool> RemoveAsync(string source, CancellationToken cancellationToken = default);

    /// <summary>Removes the fingerprints and history of sources not seen since <paramref name="cutoff"/>.</summary>
    /// <param name="cutoff">Sources last seen before this time are removed.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of sources removed.</returns>
    Task<int> RemoveNotSeenSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Counts recorded sources.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of sources.</returns>
    Task<long> CountAsync(CancellationToken cancellationToken = default);
}
