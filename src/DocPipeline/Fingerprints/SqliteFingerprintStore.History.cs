namespace DocPipeline.Fingerprints;

/// <summary>What each history entry of the SQLite fingerprint store says the run did (<see cref="FingerprintChange"/>).</summary>
internal sealed partial class SqliteFingerprintStore
{
    /// <summary>Schema step 2: the change column (entries recorded before it read as <see cref="FingerprintChange.Unknown"/>).</summary>
    private const string HistoryChangeStep = "ALTER TABLE fingerprint_history ADD COLUMN change TEXT;";

    /// <summary>Repeats the current fingerprint as a 'removed' entry; runs just before the fingerprint is deleted.</summary>
    private const string RecordRemoval =
        """
        INSERT INTO fingerprint_history (source, content_hash, metadata_hash, size, last_write_ms, document_id, recorded_ms, change)
        SELECT source, content_hash, metadata_hash, size, last_write_ms, document_id, $r, 'removed' FROM fingerprints WHERE source = $s;
        """;

    /// <summary>Reads the word a store keeps for a change (the enum's name in lower case, in every store).</summary>
    internal static FingerprintChange ParseChange(string? word) =>
        Enum.TryParse<FingerprintChange>(word, ignoreCase: true, out var change) ? change : FingerprintChange.Unknown;
}
