using DocPipeline.Storage;
using Microsoft.Data.Sqlite;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The SQLite catalog of the embedded vector index: which slot of the vector file holds which chunk (with its
/// document, version and metadata), and the index's dimensions. A commit here is what makes vectors live.
/// </summary>
/// <remarks>
/// Free slots are not stored: a slot is free exactly when no row references it, so the free list can never drift
/// from the entries. The <c>UNIQUE</c> constraint on <c>slot</c> makes a bug that would point two chunks at one
/// vector fail its commit instead of corrupting the index.
/// </remarks>
internal sealed partial class VectorCatalog : IDisposable
{
    /// <summary>What the file holds, for error messages.</summary>
    public const string Description = "vector index catalog";

    private const string EntryColumns = "chunk_id, document_id, version, slot";

    private static readonly SqliteSchema Schema = new(
        "vector_index",
        [
            """
            CREATE TABLE vector_settings (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE vector_entries (
                chunk_id TEXT NOT NULL PRIMARY KEY,
                document_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                slot INTEGER NOT NULL UNIQUE,
                metadata TEXT NULL);
            CREATE INDEX vector_entries_document ON vector_entries (document_id);
            """,

            // The CRC-32C of each slot's vector, written with its row; NULL for rows written before this step, until
            // a deep verify computes it.
            "ALTER TABLE vector_entries ADD COLUMN checksum INTEGER NULL;",
        ]);

    private readonly SqliteDatabase _database;

    private VectorCatalog(SqliteDatabase database)
    {
        _database = database;
    }

    /// <summary>Gets the full path of the catalog file.</summary>
    public string Path => _database.Path;

    /// <summary>Opens (creating when missing) the catalog at <paramref name="path"/>.</summary>
    /// <exception cref="DocPipelineStorageException">The file cannot be opened or is not a valid catalog.</exception>
    public static VectorCatalog Open(string path) => new(SqliteDatabase.Open(path, Description, Schema));

    /// <summary>
    /// Reads the dimensions and every entry with its slot and checksum in one read transaction, so both come from the
    /// same commit however fast another process writes: what a read-only open loads.
    /// </summary>
    public (long? Dimensions, List<(VectorSlotEntry Entry, uint? Checksum)> Rows) ReadSnapshot() => _database.Read(session =>
    {
        using var transaction = session.Connection.BeginTransaction(deferred: true);
        using var dimensionsCommand = session.Connection.CreateCommand();
        dimensionsCommand.Transaction = transaction;
        dimensionsCommand.CommandText = "SELECT value FROM vector_settings WHERE name = 'dimensions';";
        var dimensions = dimensionsCommand.ExecuteScalar() as long?;
        using var rowsCommand = session.Connection.CreateCommand();
        rowsCommand.Transaction = transaction;
        rowsCommand.CommandText = $"SELECT {EntryColumns}, checksum FROM vector_entries;";
        var rows = new List<(VectorSlotEntry, uint?)>();
        using (var reader = rowsCommand.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((ReadEntry(reader), reader.IsDBNull(4) ? null : (uint)reader.GetInt64(4)));
            }
        }

        transaction.Commit();
        return (dimensions, rows);
    });

    /// <summary>Streams every entry with its slot.</summary>
    public IAsyncEnumerable<VectorSlotEntry> StreamSlotsAsync(CancellationToken cancellationToken) =>
        DescribeErrorsAsync(_database.StreamAsync($"SELECT {EntryColumns} FROM vector_entries;", ReadEntry, cancellationToken: cancellationToken));

    /// <summary>Streams every entry's identity.</summary>
    public IAsyncEnumerable<IndexEntry> StreamEntriesAsync(CancellationToken cancellationToken) =>
        DescribeErrorsAsync(_database.StreamAsync(
            "SELECT chunk_id, document_id, version FROM vector_entries;",
            reader => new IndexEntry(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)),
            cancellationToken: cancellationToken));

    /// <summary>Streams every entry with its slot and metadata, one document after another (a registry rebuild reads them so).</summary>
    public IAsyncEnumerable<(VectorSlotEntry Entry, IReadOnlyDictionary<string, string>? Metadata)> StreamByDocumentAsync(CancellationToken cancellationToken) =>
        DescribeErrorsAsync(_database.StreamAsync(
            $"SELECT {EntryColumns}, metadata FROM vector_entries ORDER BY document_id, chunk_id;",
            reader => (ReadEntry(reader), VectorMetadataJson.Deserialize(reader.IsDBNull(4) ? null : reader.GetString(4))),
            cancellationToken: cancellationToken));

    /// <summary>Reads the metadata stored with a chunk.</summary>
    public Task<IReadOnlyDictionary<string, string>?> ReadMetadataAsync(string chunkId, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            session => VectorMetadataJson.Deserialize(
                session.Scalar("SELECT metadata FROM vector_entries WHERE chunk_id = $c;", ("$c", chunkId)) as string),
            cancellationToken);

    /// <summary>Commits the rows of an upsert in one transaction: from then on they are live.</summary>
    /// <param name="dimensions">The dimensions to record (the first upsert), or <see langword="null"/> to leave them.</param>
    /// <param name="batch">The records.</param>
    /// <param name="slots">The slot of each record of <paramref name="batch"/>.</param>
    /// <param name="checksums">The <see cref="VectorChecksum"/> of each record's vector.</param>
    /// <param name="cancellationToken">Cancels the commit while it is still queued.</param>
    public Task UpsertAsync(int? dimensions, NormalizedVectorBatch batch, IReadOnlyList<int> slots, IReadOnlyList<uint> checksums, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            session =>
            {
                if (dimensions is int value)
                {
                    session.Execute(
                        "INSERT INTO vector_settings (name, value) VALUES ('dimensions', $v) ON CONFLICT (name) DO UPDATE SET value = excluded.value;",
                        ("$v", value));
                }

                var command = session.Command(
                    """
                    INSERT INTO vector_entries (chunk_id, document_id, version, slot, metadata, checksum) VALUES ($c, $d, $v, $s, $m, $x)
                    ON CONFLICT (chunk_id) DO UPDATE SET
                        document_id = excluded.document_id, version = excluded.version, slot = excluded.slot, metadata = excluded.metadata,
                        checksum = excluded.checksum;
                    """);
                var chunk = command.Parameters.Add("$c", SqliteType.Text);
                var document = command.Parameters.Add("$d", SqliteType.Text);
                var version = command.Parameters.Add("$v", SqliteType.Integer);
                var slot = command.Parameters.Add("$s", SqliteType.Integer);
                var metadata = command.Parameters.Add("$m", SqliteType.Text);
                var checksum = command.Parameters.Add("$x", SqliteType.Integer);
                var serializeMetadata = new SameInstanceMemo<IReadOnlyDictionary<string, string>, string?>(VectorMetadataJson.Serialize);
                for (var i = 0; i < batch.Count; i++)
                {
                    var record = batch.Records[i];
                    chunk.Value = record.ChunkId;
                    document.Value = record.DocumentId;
                    version.Value = record.Version;
                    slot.Value = slots[i];
                    metadata.Value = (object?)serializeMetadata.Get(record.Metadata) ?? DBNull.Value;
                    checksum.Value = (long)checksums[i];
                    command.ExecuteNonQuery();
                }
            },
            cancellationToken);

    /// <summary>Streams every entry's chunk id, slot and checksum (<see langword="null"/> for a row written before checksums).</summary>
    public IAsyncEnumerable<(string ChunkId, int Slot, uint? Checksum)> StreamChecksumsAsync(CancellationToken cancellationToken) =>
        DescribeErrorsAsync(_database.StreamAsync(
            "SELECT chunk_id, slot, checksum FROM vector_entries;",
            reader => (reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? (uint?)null : (uint)reader.GetInt64(2)),
            cancellationToken: cancellationToken));

    /// <summary>Records the checksums of rows that have none, as long as each row still points at the slot checked.</summary>
    public Task SetMissingChecksumsAsync(IReadOnlyList<(string ChunkId, int Slot, uint Checksum)> checksums, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            session =>
            {
                var command = session.Command("UPDATE vector_entries SET checksum = $x WHERE chunk_id = $c AND slot = $s AND checksum IS NULL;");
                var chunk = command.Parameters.Add("$c", SqliteType.Text);
                var slot = command.Parameters.Add("$s", SqliteType.Integer);
                var checksum = command.Parameters.Add("$x", SqliteType.Integer);
                foreach (var row in checksums)
                {
                    chunk.Value = row.ChunkId;
                    slot.Value = row.Slot;
                    checksum.Value = (long)row.Checksum;
                    command.ExecuteNonQuery();
                }
            },
            cancellationToken);

    /// <summary>Runs SQLite's check of the catalog file (see <see cref="SqliteDatabase.CheckIntegrity"/>).</summary>
    public string? CheckIntegrity(bool deep) => _database.CheckIntegrity(deep);

    /// <summary>Deletes entries by chunk id and returns the ones that existed.</summary>
    public Task<List<VectorSlotEntry>> DeleteChunksAsync(IEnumerable<string> chunkIds, CancellationToken cancellationToken) =>
        DeleteWhereAsync("chunk_id", chunkIds, cancellationToken);

    /// <summary>Deletes every entry of the given documents and returns them.</summary>
    public Task<List<VectorSlotEntry>> DeleteDocumentsAsync(IEnumerable<string> documentIds, CancellationToken cancellationToken) =>
        DeleteWhereAsync("document_id", documentIds, cancellationToken);

    /// <summary>Deletes every entry and forgets the dimensions, in one commit.</summary>
    public Task ClearAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(
            session =>
            {
                session.Execute("DELETE FROM vector_entries;");
                session.Execute("DELETE FROM vector_settings WHERE name = 'dimensions';");
            },
            cancellationToken);

    /// <summary>
    /// Tries to make every commit so far durable against power loss, with a checkpoint that never waits. The catalog
    /// runs with <c>synchronous=NORMAL</c>, where a commit survives a process crash at once but survives power loss
    /// only after the write-ahead log is synced; the checkpoint syncs it.
    /// </summary>
    /// <returns><see langword="true"/> when every commit is durable; <see langword="false"/> when a reader kept the checkpoint from finishing.</returns>
    public bool TryMakeDurable() => _database.Read(session =>
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        return reader.Read() && reader.GetInt64(0) == 0 && reader.GetInt64(1) == reader.GetInt64(2);
    });

    /// <summary>Writes a consistent copy of the catalog to <paramref name="destinationPath"/> with SQLite's online backup.</summary>
    /// <remarks>
    /// The copy is taken on a read connection, in one step, so it is one snapshot. (Not with
    /// <see cref="SqliteDatabase.BackupToAsync"/>: it runs on the writer inside the group-commit transaction, where
    /// SQLite refuses a backup with SQLITE_LOCKED.) The caller holds the index's write gate, so the snapshot is current.
    /// </remarks>
    public Task BackupToAsync(string destinationPath, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            session =>
            {
                using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationPath, Pooling = false }.ToString());
                destination.Open();
                session.Connection.BackupDatabase(destination);
                return true;
            },
            cancellationToken);

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// Passes rows through, turning a SQLite error met while streaming (a corrupt page far into the table) into the
    /// <see cref="DocPipelineStorageException"/> naming the catalog that reads and writes give.
    /// </summary>
    private async IAsyncEnumerable<T> DescribeErrorsAsync<T>(IAsyncEnumerable<T> rows)
    {
        var enumerator = rows.GetAsyncEnumerator();
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (SqliteException ex)
                {
                    throw SqliteDatabase.Describe(ex, Description, Path);
                }

                yield return enumerator.Current;
            }
        }
    }

    private static VectorSlotEntry ReadEntry(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3));

    private Task<List<VectorSlotEntry>> DeleteWhereAsync(string column, IEnumerable<string> keys, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            session =>
            {
                var deleted = new List<VectorSlotEntry>();
                var command = session.Command($"DELETE FROM vector_entries WHERE {column} = $k RETURNING {EntryColumns};");
                var key = command.Parameters.Add("$k", SqliteType.Text);
                foreach (var value in keys)
                {
                    key.Value = value;
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        deleted.Add(ReadEntry(reader));
                    }
                }

                return deleted;
            },
            cancellationToken);
}
