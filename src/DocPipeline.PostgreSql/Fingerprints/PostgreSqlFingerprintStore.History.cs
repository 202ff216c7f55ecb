using DocPipeline.Fingerprints;

namespace DocPipeline.PostgreSql.Fingerprints;

/// <summary>What each history entry of the PostgreSQL fingerprint store says the run did (<see cref="FingerprintChange"/>).</summary>
internal sealed partial class PostgreSqlFingerprintStore
{
    /// <summary>Schema step 2: the change column (entries recorded before it read as <see cref="FingerprintChange.Unknown"/>).</summary>
    private const string HistoryChangeStep = "ALTER TABLE {schema}.fingerprint_history ADD COLUMN change text;";

    /// <summary>Deletes a source's fingerprint and repeats it in the history as a 'removed' entry; returns one row per source removed.</summary>
    private const string RemoveSql =
        """
        WITH removed AS (
            DELETE FROM {schema}.fingerprints AS f WHERE f.source = @source
            RETURNING f.source, f.content_hash, f.metadata_hash, f.size, f.last_write_at, f.document_id
        )
        INSERT INTO {schema}.fingerprint_history (source, content_hash, metadata_hash, size, last_write_at, document_id, recorded_at, change)
        SELECT r.source, r.content_hash, r.metadata_hash, r.size, r.last_write_at, r.document_id, @recorded, 'removed' FROM removed AS r;
        """;

    /// <summary>Reads the word the stores keep for a change (the enum's name in lower case).</summary>
    private static FingerprintChange ParseChange(string? word) =>
        Enum.TryParse<FingerprintChange>(word, ignoreCase: true, out var change) ? change : FingerprintChange.Unknown;
}
