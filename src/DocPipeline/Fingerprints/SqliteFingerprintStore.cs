using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DocPipeline.Configuration;
using DocPipeline.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DocPipeline.Fingerprints;

/// <summary>
/// The embedded fingerprint store: one SQLite file (<see cref="FingerprintOptions.StoragePath"/>, else
/// <c>fingerprints.db</c> under the data directory) with the current fingerprint of each source and the history of
/// its processed versions.
/// </summary>
/// <remarks>
/// <para>Batches are single statements: <see cref="GetManyAsync"/> and <see cref="MarkSeenAsync"/> pass the sources as
/// one JSON array and join it through <c>json_each</c> against the unique index on <c>source</c>, so a batch of a
/// thousand sources costs one prepared statement (and, for <see cref="MarkSeenAsync"/>, one queued write) however long
/// the list is, with no limit on the number of SQL variables.</para>
/// <para>"Last seen" lives in its own narrow table keyed by the fingerprint's integer id, because it is the one value
/// rewritten for every unchanged source on every run: updating a 16-byte row dirties a few pages per thousand sources,
/// where rewriting the wide fingerprint rows (path and hashes) dirtied ten times as many. It has no index on purpose:
/// the only query that filters on it is the rare cleanup, which can afford a scan.</para>
/// </remarks>
internal sealed partial class SqliteFingerprintStore : IFingerprintStore, Storage.IEmbeddedSqliteStore
{
    /// <inheritdoc/>
    static string Storage.IEmbeddedSqliteStore.PartName => Consistency.DataFolderLayout.Fingerprints;

    /// <inheritdoc/>
    static string Storage.IEmbeddedSqliteStore.StoreDescription => Description;

    /// <inheritdoc/>
    static Storage.SqliteSchema Storage.IEmbeddedSqliteStore.StoreSchema => Schema;

    internal const string DefaultFileName = Consistency.DataFolderLayout.FingerprintsFileName;
    internal const string Description = "fingerprint store";

    internal static readonly SqliteSchema Schema = new("fingerprints",
    [
        """
        CREATE TABLE fingerprints (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            last_write_ms INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            metadata_hash TEXT NULL,
            document_id TEXT NULL
        );
        CREATE TABLE fingerprint_seen (
            id INTEGER PRIMARY KEY REFERENCES fingerprints (id) ON DELETE CASCADE,
            last_seen_ms INTEGER NOT NULL
        );
        CREATE TABLE fingerprint_history (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            metadata_hash TEXT NULL,
            size INTEGER NOT NULL,
            last_write_ms INTEGER NOT NULL,
            document_id TEXT NULL,
            recorded_ms INTEGER NOT NULL
        );
        CREATE INDEX ix_fingerprint_history_source ON fingerprint_history (source, id);
        """,
        HistoryChangeStep,
    ]);

    // CROSS JOIN fixes the join order: walk the JSON array and seek each source in the unique index.
    private const string Columns = "f.source, f.size, f.last_write_ms, f.content_hash, f.metadata_hash, f.document_id, s.last_seen_ms";
    private const string SelectOne = $"SELECT {Columns} FROM fingerprints AS f CROSS JOIN fingerprint_seen AS s ON s.id = f.id WHERE f.source = $s;";

    /// <summary>Looks a batch up; returns each row's position in the JSON array, so the source string need not be read back.</summary>
    internal const string SelectMany =
        """
        SELECT j.key, f.size, f.last_write_ms, f.content_hash, f.metadata_hash, f.document_id, s.last_seen_ms
        FROM json_each($s) AS j CROSS JOIN fingerprints AS f ON f.source = j.value CROSS JOIN fingerprint_seen AS s ON s.id = f.id;
        """;

    /// <summary>Marks a batch seen: rewrites only the narrow rows of <c>fingerprint_seen</c>, not the fingerprints.</summary>
    internal const string MarkSeen =
        "UPDATE fingerprint_seen SET last_seen_ms = $t WHERE id IN (SELECT f.id FROM json_each($s) AS j CROSS JOIN fingerprints AS f ON f.source = j.value);";

    // A history row is written only when the content or metadata hash differs from the current fingerprint (or there
    // is none); it must run before the upsert below replaces the current fingerprint.
    private const string InsertHistory =
        """
        INSERT INTO fingerprint_history (source, content_hash, metadata_hash, size, last_write_ms, document_id, recorded_ms, change)
        SELECT $s, $c, $m, $z, $w, $d, $r, CASE WHEN EXISTS (SELECT 1 FROM fingerprints WHERE source = $s) THEN 'updated' ELSE 'added' END
        WHERE NOT EXISTS (SELECT 1 FROM fingerprints WHERE source = $s AND content_hash = $c AND metadata_hash IS $m);
        """;

    private const string Upsert =
        """
        INSERT INTO fingerprints (source, size, last_write_ms, content_hash, metadata_hash, document_id)
        VALUES ($s, $z, $w, $c, $m, $d)
        ON CONFLICT (source) DO UPDATE SET
            size = excluded.size, last_write_ms = excluded.last_write_ms, content_hash = excluded.content_hash,
            metadata_hash = excluded.metadata_hash, document_id = excluded.document_id
        RETURNING id;
        """;

    private const string UpsertSeen =
        "INSERT INTO fingerprint_seen (id, last_seen_ms) VALUES ($i, $l) ON CONFLICT (id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms;";

    private const string SelectHistory =
        "SELECT source, content_hash, metadata_hash, size, last_write_ms, document_id, recorded_ms, change FROM fingerprint_history WHERE source = $s ORDER BY id DESC LIMIT $n;";

    private const string StaleIds = "SELECT id FROM fingerprint_seen WHERE last_seen_ms < $c";
    private const string CountStale = $"SELECT COUNT(*) FROM ({StaleIds});";
    private const string DeleteStaleHistory = $"DELETE FROM fingerprint_history WHERE source IN (SELECT source FROM fingerprints WHERE id IN ({StaleIds}));";

    // Deleting a fingerprint deletes its fingerprint_seen row (ON DELETE CASCADE).
    private const string DeleteStale = $"DELETE FROM fingerprints WHERE id IN ({StaleIds});";

    // History left behind by RemoveAsync: the source has no fingerprint, so its newest history entry stands in for "last seen".
    private const string OrphanSources =
        "SELECT source FROM fingerprint_history WHERE source NOT IN (SELECT source FROM fingerprints) GROUP BY source HAVING MAX(recorded_ms) < $c";

    private const string CountOrphans = $"SELECT COUNT(*) FROM ({OrphanSources});";
    private const string DeleteOrphans = $"DELETE FROM fingerprint_history WHERE source IN ({OrphanSources});";

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteFingerprintStore(SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(databases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var settings = options.Value;
        _database = databases.Open(settings.ResolvePath(settings.Fingerprint.StoragePath, DefaultFileName), Description, Schema);
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string Path => _database.Path;

    public Task<SourceFingerprint?> GetAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return _database.ReadAsync(session =>
        {
            var command = session.Command(SelectOne);
            command.Parameters.AddWithValue("$s", source);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadFingerprint(reader, reader.GetString(0)) : null;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, SourceFingerprint>> GetManyAsync(IReadOnlyCollection<string> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, SourceFingerprint>>(new Dictionary<string, SourceFingerprint>(StringComparer.Ordinal));
        }

        var list = sources as IReadOnlyList<string> ?? sources.ToArray();
        var json = ToJsonArray(list);
        return _database.ReadAsync<IReadOnlyDictionary<string, SourceFingerprint>>(session =>
        {
            var found = new Dictionary<string, SourceFingerprint>(list.Count, StringComparer.Ordinal);
            var command = session.Command(SelectMany);
            command.Parameters.AddWithValue("$s", json);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var source = list[reader.GetInt32(0)];
                found[source] = ReadFingerprint(reader, source);
            }

            return found;
        }, cancellationToken);
    }

    public Task UpsertAsync(IReadOnlyCollection<SourceFingerprint> fingerprints, CancellationToken cancellationToken = default)
    {
        FingerprintArguments.ThrowIfInvalid(fingerprints);
        if (fingerprints.Count == 0)
        {
            return Task.CompletedTask;
        }

        var recordedAt = FingerprintTimestamps.ToUnixMilliseconds(_timeProvider.GetUtcNow());
        return _database.WriteAsync(session =>
        {
            foreach (var fingerprint in fingerprints)
            {
                var history = session.Command(InsertHistory);
                AddFingerprintParameters(history, fingerprint);
                history.Parameters.AddWithValue("$r", recordedAt);
                history.ExecuteNonQuery();

                var upsert = session.Command(Upsert);
                AddFingerprintParameters(upsert, fingerprint);
                var id = (long)upsert.ExecuteScalar()!;

                session.Execute(UpsertSeen, ("$i", id), ("$l", FingerprintTimestamps.ToUnixMilliseconds(fingerprint.LastSeenAt)));
            }
        }, cancellationToken);
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> sources, DateTimeOffset seenAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return Task.CompletedTask;
        }

        var json = ToJsonArray(sources);
        var seen = FingerprintTimestamps.ToUnixMilliseconds(seenAt);
        return _database.WriteAsync(session => session.Execute(MarkSeen, ("$t", seen), ("$s", json)), cancellationToken);
    }

    public Task<IReadOnlyList<FingerprintHistoryEntry>> GetHistoryAsync(string source, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return _database.ReadAsync<IReadOnlyList<FingerprintHistoryEntry>>(session =>
        {
            var entries = new List<FingerprintHistoryEntry>();
            var command = session.Command(SelectHistory);
            command.Parameters.AddWithValue("$s", source);
            command.Parameters.AddWithValue("$n", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new FingerprintHistoryEntry(
                    Source: reader.GetString(0),
                    ContentHash: reader.GetString(1),
                    MetadataHash: reader.IsDBNull(2) ? null : reader.GetString(2),
                    Size: reader.GetInt64(3),
                    LastWriteTimeUtc: FingerprintTimestamps.FromUnixMilliseconds(reader.GetInt64(4)),
                    DocumentId: reader.IsDBNull(5) ? null : reader.GetString(5),
                    RecordedAt: FingerprintTimestamps.FromUnixMilliseconds(reader.GetInt64(6)))
                {
                    Change = ParseChange(reader.IsDBNull(7) ? null : reader.GetString(7)),
                });
            }

            return entries;
        }, cancellationToken);
    }

    public async Task<bool> RemoveAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var removed = await _database.WriteAsync(
            session =>
            {
                session.Execute(RecordRemoval, ("$s", source), ("$r", FingerprintTimestamps.ToUnixMilliseconds(_timeProvider.GetUtcNow())));
                return session.Execute("DELETE FROM fingerprints WHERE source = $s;", ("$s", source));
            },
            cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public Task<int> RemoveNotSeenSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var before = FingerprintTimestamps.ToUnixMilliseconds(cutoff);
        return _database.WriteAsync(session =>
        {
            var stale = Convert.ToInt32(session.Scalar(CountStale, ("$c", before)), System.Globalization.CultureInfo.InvariantCulture);
            var orphans = Convert.ToInt32(session.Scalar(CountOrphans, ("$c", before)), System.Globalization.CultureInfo.InvariantCulture);
            if (orphans > 0)
            {
                session.Execute(DeleteOrphans, ("$c", before));
            }

            if (stale > 0)
            {
                session.Execute(DeleteStaleHistory, ("$c", before));
                session.Execute(DeleteStale, ("$c", before));
            }

            return stale + orphans;
        }, cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(session => (long)session.Scalar("SELECT COUNT(*) FROM fingerprints;")!, cancellationToken);

    private static void AddFingerprintParameters(SqliteCommand command, SourceFingerprint fingerprint)
    {
        command.Parameters.AddWithValue("$s", fingerprint.Source);
        command.Parameters.AddWithValue("$c", fingerprint.ContentHash);
        command.Parameters.AddWithValue("$m", (object?)fingerprint.MetadataHash ?? DBNull.Value);
        command.Parameters.AddWithValue("$z", fingerprint.Size);
        command.Parameters.AddWithValue("$w", FingerprintTimestamps.ToUnixMilliseconds(fingerprint.LastWriteTimeUtc));
        command.Parameters.AddWithValue("$d", (object?)fingerprint.DocumentId ?? DBNull.Value);
    }

    /// <summary>Reads the columns after the first (which identifies the source) into a fingerprint of <paramref name="source"/>.</summary>
    private static SourceFingerprint ReadFingerprint(SqliteDataReader reader, string source) => new()
    {
        Source = source,
        Size = reader.GetInt64(1),
        LastWriteTimeUtc = FingerprintTimestamps.FromUnixMilliseconds(reader.GetInt64(2)),
        ContentHash = reader.GetString(3),
        MetadataHash = reader.IsDBNull(4) ? null : reader.GetString(4),
        DocumentId = reader.IsDBNull(5) ? null : reader.GetString(5),
        LastSeenAt = FingerprintTimestamps.FromUnixMilliseconds(reader.GetInt64(6)),
    };

    private static string ToJsonArray(IEnumerable<string> sources)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartArray();
            foreach (var source in sources)
            {
                ArgumentNullException.ThrowIfNull(source, nameof(sources));
                writer.WriteStringValue(source);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
