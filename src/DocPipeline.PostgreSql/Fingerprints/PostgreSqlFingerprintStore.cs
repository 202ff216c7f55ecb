using DocPipeline.Fingerprints;
using DocPipeline.PostgreSql.Storage;
using Npgsql;

namespace DocPipeline.PostgreSql.Fingerprints;

/// <summary>
/// The fingerprint store in PostgreSQL: the current fingerprint of each source and the history of its processed
/// versions, shared by every worker process.
/// </summary>
/// <remarks>
/// <para>Batches are single statements over arrays (<c>unnest</c>, <c>= ANY</c>), so a thousand sources cost one round
/// trip. An upsert batch writes in source order, so two processes upserting overlapping batches lock rows in the same
/// order and never deadlock; a source given twice in one batch is written in rounds, each seeing the one before, so
/// both versions reach the history as they would one call at a time.</para>
/// <para>"Last seen" lives in its own narrow table, as in the embedded store: it is the one value every run rewrites
/// for every unchanged source, and a narrow row keeps that rewrite (and its write-ahead log) small.</para>
/// </remarks>
internal sealed partial class PostgreSqlFingerprintStore : IFingerprintStore
{
    /// <summary>The tables of the fingerprint store. Never edit a shipped step; append one.</summary>
    internal static readonly PostgreSqlSchema Schema = new("fingerprints", "fingerprint store",
    [
        """
        CREATE TABLE {schema}.fingerprints (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text COLLATE "C" NOT NULL UNIQUE,
            size bigint NOT NULL,
            last_write_at timestamptz NOT NULL,
            content_hash text NOT NULL,
            metadata_hash text,
            document_id text
        );
        CREATE TABLE {schema}.fingerprint_seen (
            id bigint PRIMARY KEY REFERENCES {schema}.fingerprints (id) ON DELETE CASCADE,
            last_seen_at timestamptz NOT NULL
        ) WITH (fillfactor = 70);
        CREATE TABLE {schema}.fingerprint_history (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text COLLATE "C" NOT NULL,
            content_hash text NOT NULL,
            metadata_hash text,
            size bigint NOT NULL,
            last_write_at timestamptz NOT NULL,
            document_id text,
            recorded_at timestamptz NOT NULL
        );
        CREATE INDEX fingerprint_history_source ON {schema}.fingerprint_history (source, id);
        """,
        HistoryChangeStep,
    ]);

    private const string Columns = "f.source, f.size, f.last_write_at, f.content_hash, f.metadata_hash, f.document_id, s.last_seen_at";

    // The history insert reads the fingerprints as they were before the upsert in the same statement replaced them.
    private const string UpsertSql =
        """
        WITH input AS (
            SELECT * FROM unnest(@sources, @sizes, @writes, @contents, @metadatas, @documents, @seen) WITH ORDINALITY
                AS t(source, size, last_write_at, content_hash, metadata_hash, document_id, last_seen_at, ordinal)
        ), history AS (
            INSERT INTO {schema}.fingerprint_history (source, content_hash, metadata_hash, size, last_write_at, document_id, recorded_at, change)
            SELECT i.source, i.content_hash, i.metadata_hash, i.size, i.last_write_at, i.document_id, @recorded,
                   CASE WHEN EXISTS (SELECT 1 FROM {schema}.fingerprints AS e WHERE e.source = i.source) THEN 'updated' ELSE 'added' END
            FROM input AS i
            WHERE NOT EXISTS (
                SELECT 1 FROM {schema}.fingerprints AS f
                WHERE f.source = i.source AND f.content_hash = i.content_hash AND f.metadata_hash IS NOT DISTINCT FROM i.metadata_hash)
            ORDER BY i.ordinal
        ), upserted AS (
            INSERT INTO {schema}.fingerprints (source, size, last_write_at, content_hash, metadata_hash, document_id)
            SELECT i.source, i.size, i.last_write_at, i.content_hash, i.metadata_hash, i.document_id FROM input AS i ORDER BY i.ordinal
            ON CONFLICT (source) DO UPDATE SET
                size = excluded.size, last_write_at = excluded.last_write_at, content_hash = excluded.content_hash,
                metadata_hash = excluded.metadata_hash, document_id = excluded.document_id
            RETURNING id, source
        )
        INSERT INTO {schema}.fingerprint_seen (id, last_seen_at)
        SELECT u.id, i.last_seen_at FROM upserted AS u JOIN input AS i ON i.source = u.source
        ORDER BY u.id
        ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at;
        """;

    private const string RemoveNotSeenSql =
        """
        WITH stale AS (
            SELECT f.id, f.source FROM {schema}.fingerprints AS f JOIN {schema}.fingerprint_seen AS s ON s.id = f.id
            WHERE s.last_seen_at < @cutoff
        ), orphans AS (
            SELECT h.source FROM {schema}.fingerprint_history AS h
            WHERE NOT EXISTS (SELECT 1 FROM {schema}.fingerprints AS f WHERE f.source = h.source)
            GROUP BY h.source HAVING MAX(h.recorded_at) < @cutoff
        ), deleted_history AS (
            DELETE FROM {schema}.fingerprint_history AS h
            WHERE h.source IN (SELECT source FROM stale UNION ALL SELECT source FROM orphans)
        ), deleted AS (
            DELETE FROM {schema}.fingerprints AS f WHERE f.id IN (SELECT id FROM stale)
        )
        SELECT (SELECT COUNT(*) FROM stale) + (SELECT COUNT(*) FROM orphans);
        """;

    private readonly PostgreSqlDatabase _database;
    private readonly TimeProvider _time;

    public PostgreSqlFingerprintStore(PostgreSqlDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
    }

    public async Task<SourceFingerprint?> GetAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var found = await _database.QueryAsync(
            Schema,
            $"SELECT {Columns} FROM {{schema}}.fingerprints AS f JOIN {{schema}}.fingerprint_seen AS s ON s.id = f.id WHERE f.source = @source;",
            p => p.Text("source", source),
            ReadFingerprint,
            cancellationToken).ConfigureAwait(false);
        return found.FirstOrDefault();
    }

    public async Task<IReadOnlyDictionary<string, SourceFingerprint>> GetManyAsync(IReadOnlyCollection<string> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return new Dictionary<string, SourceFingerprint>(StringComparer.Ordinal);
        }

        var list = ToArray(sources);
        var found = await _database.QueryAsync(
            Schema,
            $"SELECT {Columns} FROM {{schema}}.fingerprints AS f JOIN {{schema}}.fingerprint_seen AS s ON s.id = f.id WHERE f.source = ANY(@sources);",
            p => p.TextArray("sources", list),
            ReadFingerprint,
            cancellationToken).ConfigureAwait(false);
        return found.ToDictionary(f => f.Source, StringComparer.Ordinal);
    }

    public async Task UpsertAsync(IReadOnlyCollection<SourceFingerprint> fingerprints, CancellationToken cancellationToken = default)
    {
        FingerprintArguments.ThrowIfInvalid(fingerprints);
        if (fingerprints.Count == 0)
        {
            return;
        }

        // Round k holds the k-th fingerprint given for each source, in source order: a source repeated in the batch is
        // written once per round, and the rounds run in order, so later values win and every version is in the history.
        var rounds = fingerprints
            .Select((fingerprint, index) => (fingerprint, index))
            .GroupBy(p => p.fingerprint.Source, StringComparer.Ordinal)
            .SelectMany(g => g.Select((p, round) => (Round: round, p.fingerprint)))
            .GroupBy(p => p.Round)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(p => p.fingerprint).OrderBy(f => f.Source, StringComparer.Ordinal).ToArray())
            .ToArray();
        var recordedAt = _time.GetUtcNow();
        await _database.WriteAsync(Schema, async (connection, token) =>
        {
            foreach (var round in rounds)
            {
                await _database.ExecuteAsync(
                    connection,
                    UpsertSql,
                    p => p
                    .TextArray("sources", round.Select(f => f.Source).ToArray())
                    .BigintArray("sizes", round.Select(f => f.Size).ToArray())
                    .TimeArray("writes", round.Select(f => f.LastWriteTimeUtc).ToArray())
                    .TextArray("contents", round.Select(f => f.ContentHash).ToArray())
                    .TextArray("metadatas", round.Select(f => f.MetadataHash).ToArray())
                    .TextArray("documents", round.Select(f => f.DocumentId).ToArray())
                    .TimeArray("seen", round.Select(f => f.LastSeenAt).ToArray())
                    .Time("recorded", recordedAt),
                    token).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> sources, DateTimeOffset seenAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Sorted, so concurrent runs marking overlapping sources lock the rows in the same order.
        var list = ToArray(sources).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return _database.ExecuteAsync(
            Schema,
            """
            UPDATE {schema}.fingerprint_seen AS s SET last_seen_at = @seen
            FROM (SELECT f.id FROM {schema}.fingerprints AS f WHERE f.source = ANY(@sources) ORDER BY f.source) AS f
            WHERE s.id = f.id;
            """,
            p => p.TextArray("sources", list).Time("seen", seenAt),
            cancellationToken);
    }

    public async Task<IReadOnlyList<FingerprintHistoryEntry>> GetHistoryAsync(string source, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await _database.QueryAsync(
            Schema,
            "SELECT h.source, h.content_hash, h.metadata_hash, h.size, h.last_write_at, h.document_id, h.recorded_at, h.change " +
            "FROM {schema}.fingerprint_history AS h WHERE h.source = @source ORDER BY h.id DESC LIMIT @limit;",
            p => p.Text("source", source).Integer("limit", limit),
            r => new FingerprintHistoryEntry(
                Source: r.GetString(0),
                ContentHash: r.GetString(1),
                MetadataHash: r.GetStringOrNull(2),
                Size: r.GetInt64(3),
                LastWriteTimeUtc: r.GetTime(4),
                DocumentId: r.GetStringOrNull(5),
                RecordedAt: r.GetTime(6))
            {
                Change = ParseChange(r.GetStringOrNull(7)),
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var removed = await _database.ExecuteAsync(
            Schema, RemoveSql, p => p.Text("source", source).Time("recorded", _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<int> RemoveNotSeenSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var removed = await _database.WriteQueryAsync(Schema, RemoveNotSeenSql, p => p.Time("cutoff", cutoff), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return (int)removed[0];
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var count = await _database.QueryAsync(Schema, "SELECT COUNT(*) FROM {schema}.fingerprints;", bind: null, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return count[0];
    }

    private static string[] ToArray(IReadOnlyCollection<string> sources)
    {
        var list = sources as string[] ?? sources.ToArray();
        foreach (var source in list)
        {
            ArgumentNullException.ThrowIfNull(source, nameof(sources));
        }

        return list;
    }

    private static SourceFingerprint ReadFingerprint(NpgsqlDataReader reader) => new()
    {
        Source = reader.GetString(0),
        Size = reader.GetInt64(1),
        LastWriteTimeUtc = reader.GetTime(2),
        ContentHash = reader.GetString(3),
        MetadataHash = reader.GetStringOrNull(4),
        DocumentId = reader.GetStringOrNull(5),
        LastSeenAt = reader.GetTime(6),
    };
}
