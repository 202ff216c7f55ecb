using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DocPipeline.Registry;

/// <summary>The document registry and artifact store in a SQLite file (<c>registry.db</c> under the data directory).</summary>
/// <remarks>
/// Chunk rows are keyed by (document, version, chunk): a staged version lives beside the committed one until the
/// commit drops the old rows, so search can always resolve the chunks either index returns. Embeddings are stored
/// once per (model, chunk text hash), shared by every chunk and version with that text.
/// </remarks>
internal sealed class SqliteDocumentRegistry : IDocumentRegistry, IEmbeddingCache, IRunGenerationStore, ISettingsStore, IDocumentFenceStore, Storage.IEmbeddedSqliteStore
{
    /// <inheritdoc/>
    static string Storage.IEmbeddedSqliteStore.PartName => Consistency.DataFolderLayout.Registry;

    /// <inheritdoc/>
    static string Storage.IEmbeddedSqliteStore.StoreDescription => Description;

    /// <inheritdoc/>
    static Storage.SqliteSchema Storage.IEmbeddedSqliteStore.StoreSchema => Schema;

    internal static readonly SqliteSchema Schema = new("registry",
    [
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 0,
            pending_version INTEGER,
            content_hash TEXT,
            metadata_hash TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            staged_source TEXT,
            staged_content_hash TEXT,
            staged_metadata_hash TEXT,
            staged_metadata TEXT,
            status INTEGER NOT NULL,
            chunk_count INTEGER NOT NULL DEFAULT 0,
            index_versions TEXT NOT NULL DEFAULT '{}',
            last_error TEXT,
            last_seen_run INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX documents_source ON documents (source);
        CREATE INDEX documents_last_seen ON documents (last_seen_run);
        CREATE TABLE chunks (
            document_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            chunk_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            page INTEGER,
            metadata TEXT NOT NULL,
            PRIMARY KEY (document_id, version, chunk_id)
        ) WITHOUT ROWID;
        CREATE INDEX chunks_chunk_id ON chunks (chunk_id, version);
        CREATE INDEX chunks_text_hash ON chunks (text_hash);
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        ) WITHOUT ROWID;
        CREATE TABLE runs (generation INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,

        // Chunk rows (text and metadata, ~1 KB) and embedding rows (a 384-float vector is 1.5 KB) are too wide for
        // WITHOUT ROWID tables, whose rows spill to overflow pages beyond ~1 KB on 4 KB pages: every insert wrote
        // two scattered pages per row and the file was twice its data. Rowid tables keep such rows inline and append
        // them; the keys move to narrow unique indexes. Staging a document costs half the CPU and half the WAL.
        """
        CREATE TABLE chunks_rowid (
            document_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            chunk_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            page INTEGER,
            metadata TEXT NOT NULL,
            PRIMARY KEY (document_id, version, chunk_id)
        );
        INSERT INTO chunks_rowid (document_id, version, chunk_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata)
            SELECT document_id, version, chunk_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata
            FROM chunks ORDER BY document_id, version, ordinal;
        DROP TABLE chunks;
        ALTER TABLE chunks_rowid RENAME TO chunks;
        CREATE INDEX chunks_chunk_id ON chunks (chunk_id, version);
        CREATE INDEX chunks_text_hash ON chunks (text_hash);
        CREATE TABLE embeddings_rowid (
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        );
        INSERT INTO embeddings_rowid (model, text_hash, vector) SELECT model, text_hash, vector FROM embeddings;
        DROP TABLE embeddings;
        ALTER TABLE embeddings_rowid RENAME TO embeddings;
        """,

        // Only purging unused embeddings looks chunks up by text hash. Keyed on the full 64-character hash the index was
        // big and its inserts random, so every group commit rewrote most of its pages. An 8-character prefix (32 bits:
        // a lookup meets another hash once in four billion chunks) makes its entries about five times smaller; the
        // purge compares the full hash among the prefix matches. Registry-only harness, 1,000 documents staged and
        // committed: 0.31 s -> 0.275 s of CPU.
        """
        DROP INDEX chunks_text_hash;
        CREATE INDEX chunks_text_hash_prefix ON chunks (substr(text_hash, 1, 8));
        """,

        // Which job attempt (lease token) owns each document: fenced writes under another token are refused (WriteFence).
        """
        CREATE TABLE document_fences (document_id TEXT PRIMARY KEY, lease_token TEXT NOT NULL) WITHOUT ROWID;
        """,
    ])
    {
        // Rows are wide (chunk text ~1 KB, a 384-float vector 1.5 KB): a 4 KB page holds two embeddings, so staging a
        // document split and rewrote a page every other row. 16 KB pages cut the registry writer's CPU in an
        // ingestion run by ~15% (benchmarks/results/ingestion.md). Registries created with 4 KB pages keep them.
        PageSize = 16 * 1024,
    };

    private const string DocumentColumns =
        "id, source, version, pending_version, content_hash, metadata_hash, metadata, status, chunk_count, index_versions, last_error, last_seen_run, created_at, updated_at";

    private const string ChunkColumns = "chunk_id, document_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteDocumentRegistry(SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options, TimeProvider time)
        : this(OpenGuarded(databases, DataFolderLayout.From(options.Value)), time)
    {
    }

    internal SqliteDocumentRegistry(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>What the file holds, in messages.</summary>
    internal const string Description = "document registry";

    /// <summary>
    /// Opens the registry of <paramref name="layout"/>, refusing to start it empty (missing, or without a single
    /// document) while another store of the data folder holds data: the way back is a restore or a rebuild of the
    /// registry from the indexes, never an empty registry that makes every source look done.
    /// </summary>
    private static SqliteDatabase OpenGuarded(SqliteDatabaseProvider databases, DataFolderLayout layout)
    {
        var missing = StoreContents.IsMissingOrEmpty(layout.RegistryPath);
        if (missing)
        {
            StoreContents.ThrowIfRegistryWouldStartEmpty(layout, missing: true);
        }

        var database = databases.Open(layout.RegistryPath, Description, Schema);
        if (!missing && database.Read(static session => session.Scalar("SELECT EXISTS (SELECT 1 FROM documents);") is 0L))
        {
            StoreContents.ThrowIfRegistryWouldStartEmpty(layout, missing: false);
        }

        return database;
    }

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return _database.ReadAsync(session =>
        {
            var command = session.Command($"SELECT {DocumentColumns} FROM documents WHERE id = $id;");
            command.Parameters.AddWithValue("$id", documentId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadDocument(reader) : null;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, DocumentRecord>> GetManyAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        return _database.ReadAsync<IReadOnlyDictionary<string, DocumentRecord>>(session =>
        {
            var found = new Dictionary<string, DocumentRecord>(documentIds.Count, StringComparer.Ordinal);
            foreach (var chunk in documentIds.Chunk(500))
            {
                var command = session.Command($"SELECT {DocumentColumns} FROM documents WHERE id IN (SELECT value FROM json_each($ids));");
                command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(chunk));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var document = ReadDocument(reader);
                    found[document.Id] = document;
                }
            }

            return found;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(DocumentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return _database.ReadAsync<IReadOnlyList<DocumentRecord>>(session =>
        {
            var command = session.Command(
                $"""
                SELECT {DocumentColumns} FROM documents
                WHERE ($filter IS NULL OR source GLOB $filter OR id GLOB $filter)
                  AND ($status IS NULL OR status = $status)
                  AND ($after IS NULL OR id > $after)
                ORDER BY id LIMIT $limit;
                """);
            command.Parameters.AddWithValue("$filter", (object?)query.Filter ?? DBNull.Value);
            command.Parameters.AddWithValue("$status", query.Status is { } status ? (int)status : DBNull.Value);
            command.Parameters.AddWithValue("$after", (object?)query.After ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", query.Limit);
            using var reader = command.ExecuteReader();
            var documents = new List<DocumentRecord>();
            while (reader.Read())
            {
                documents.Add(ReadDocument(reader));
            }

            return documents;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return _database.ReadAsync<IReadOnlyList<ChunkRecord>>(session =>
        {
            var command = session.Command($"SELECT {ChunkColumns} FROM chunks WHERE document_id = $d AND version = $v ORDER BY ordinal;");
            command.Parameters.AddWithValue("$d", documentId);
            command.Parameters.AddWithValue("$v", version);
            return ReadChunks(command);
        }, cancellationToken);
    }

    public Task StageAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var metadata = MetadataJson.Serialize(version.Metadata);
        var (chunkMetadata, embeddings) = Serialize(version);
        return WriteDocumentAsync(session =>
        {
            var committed = session.Scalar("SELECT version FROM documents WHERE id = $id;", ("$id", version.DocumentId));
            if (committed is long current && version.Version <= current)
            {
                throw new InvalidOperationException(
                    $"Cannot stage version {version.Version} of document '{version.DocumentId}': version {current} is already committed.");
            }

            session.Execute(
                """
                INSERT INTO documents (id, source, status, created_at, updated_at, pending_version, staged_source, staged_content_hash, staged_metadata_hash, staged_metadata)
                VALUES ($id, $source, $pending, $now, $now, $v, $source, $hash, $mhash, $meta)
                ON CONFLICT (id) DO UPDATE SET
                    pending_version = excluded.pending_version, staged_source = excluded.staged_source,
                    staged_content_hash = excluded.staged_content_hash, staged_metadata_hash = excluded.staged_metadata_hash,
                    staged_metadata = excluded.staged_metadata, status = $pending, last_error = NULL, updated_at = excluded.updated_at;
                """,
                ("$id", version.DocumentId),
                ("$source", version.Source),
                ("$pending", (int)DocumentStatus.Pending),
                ("$now", now),
                ("$v", version.Version),
                ("$hash", version.ContentHash),
                ("$mhash", version.MetadataHash),
                ("$meta", metadata));

            // Drop anything staged earlier that is not committed (a retry, or a version superseded before commit).
            session.Execute(
                "DELETE FROM chunks WHERE document_id = $id AND version > (SELECT version FROM documents WHERE id = $id);",
                ("$id", version.DocumentId));
            InsertChunks(session, version, chunkMetadata, embeddings);
        }, cancellationToken);
    }

    public Task AppendStagedChunksAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var (chunkMetadata, embeddings) = Serialize(version);
        return WriteDocumentAsync(session =>
        {
            var pending = session.Scalar("SELECT pending_version FROM documents WHERE id = $id;", ("$id", version.DocumentId));
            if (pending is not long staged || staged != version.Version)
            {
                throw new InvalidOperationException(
                    $"Cannot add chunks to version {version.Version} of document '{version.DocumentId}': it is not the staged version.");
            }

            InsertChunks(session, version, chunkMetadata, embeddings);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, string? afterChunkId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return _database.ReadAsync<IReadOnlyList<ChunkRecord>>(session =>
        {
            var command = session.Command(
                $"SELECT {ChunkColumns} FROM chunks WHERE document_id = $d AND version = $v AND chunk_id > $after ORDER BY chunk_id LIMIT $limit;");
            command.Parameters.AddWithValue("$d", documentId);
            command.Parameters.AddWithValue("$v", version);
            command.Parameters.AddWithValue("$after", afterChunkId ?? string.Empty);
            command.Parameters.AddWithValue("$limit", limit);
            return ReadChunks(command);
        }, cancellationToken);
    }

    private static List<ChunkRecord> ReadChunks(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var chunks = new List<ChunkRecord>();
        while (reader.Read())
        {
            chunks.Add(ReadChunk(reader));
        }

        return chunks;
    }

    private static (string[] ChunkMetadata, (string Key, byte[] Blob)[] Embeddings) Serialize(StagedVersion version)
    {
        var serializeMetadata = new SameInstanceMemo<IReadOnlyDictionary<string, string>, string>(MetadataJson.Serialize);
        return (
            version.Chunks.Select(c => serializeMetadata.Get(c.Metadata)).ToArray(),
            version.NewEmbeddings.Select(p => (p.Key, EmbeddingBlob.ToBytes(p.Value))).ToArray());
    }

    private static void InsertChunks(SqliteSession session, StagedVersion version, string[] chunkMetadata, (string Key, byte[] Blob)[] embeddings)
    {
        // Parameters are added once and given new values per row: binding goes by the same objects each time.
        var insert = session.Command(
            $"INSERT INTO chunks (document_id, version, {ChunkColumns}) VALUES ($d, $v, $cid, $d, $rev, $ord, $text, $th, $s, $e, $page, $meta);");
        insert.Parameters.AddWithValue("$d", version.DocumentId);
        insert.Parameters.AddWithValue("$v", version.Version);
        var chunkId = insert.Parameters.Add("$cid", SqliteType.Text);
        var revision = insert.Parameters.Add("$rev", SqliteType.Integer);
        var ordinal = insert.Parameters.Add("$ord", SqliteType.Integer);
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        var textHash = insert.Parameters.Add("$th", SqliteType.Text);
        var start = insert.Parameters.Add("$s", SqliteType.Integer);
        var end = insert.Parameters.Add("$e", SqliteType.Integer);
        var page = insert.Parameters.Add("$page", SqliteType.Integer);
        var chunkMetadataParameter = insert.Parameters.Add("$meta", SqliteType.Text);
        for (var i = 0; i < version.Chunks.Count; i++)
        {
            var chunk = version.Chunks[i];
            if (!string.Equals(chunk.DocumentId, version.DocumentId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Chunk '{chunk.ChunkId}' belongs to document '{chunk.DocumentId}', not '{version.DocumentId}'.", nameof(version));
            }

            chunkId.Value = chunk.ChunkId;
            revision.Value = chunk.Revision;
            ordinal.Value = chunk.Ordinal;
            text.Value = chunk.Text;
            textHash.Value = chunk.TextHash;
            start.Value = chunk.StartOffset;
            end.Value = chunk.EndOffset;
            page.Value = chunk.Page is { } number ? number : DBNull.Value;
            chunkMetadataParameter.Value = chunkMetadata[i];
            insert.ExecuteNonQuery();
        }

        if (embeddings.Length > 0)
        {
            PutEmbeddings(session, version.EmbeddingModel ?? throw new ArgumentException("New embeddings need an embedding model key.", nameof(version)), embeddings);
        }
    }

    public Task PutEmbeddingsAsync(string model, IReadOnlyDictionary<string, ReadOnlyMemory<float>> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        var rows = embeddings.Select(p => (p.Key, EmbeddingBlob.ToBytes(p.Value))).ToArray();
        return rows.Length == 0 ? Task.CompletedTask : _database.WriteAsync(session => PutEmbeddings(session, model, rows), cancellationToken);
    }

    private static void PutEmbeddings(SqliteSession session, string model, (string Key, byte[] Blob)[] embeddings)
    {
        var put = session.Command("INSERT OR REPLACE INTO embeddings (model, text_hash, vector) VALUES ($m, $h, $v);");
        put.Parameters.AddWithValue("$m", model);
        var hash = put.Parameters.Add("$h", SqliteType.Text);
        var vector = put.Parameters.Add("$v", SqliteType.Blob);
        foreach (var (key, blob) in embeddings)
        {
            hash.Value = key;
            vector.Value = blob;
            put.ExecuteNonQuery();
        }
    }

    public Task SetIndexVersionsAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(indexNames);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteDocumentAsync(session => SetIndexVersions(session, documentId, indexNames, version, now), cancellationToken);
    }

    public Task<bool> CommitAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteDocumentAsync(session => Commit(session, documentId, version, now), cancellationToken);
    }

    public Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(indexNames);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteDocumentAsync(
            session =>
            {
                // Commit first: it checks that the version is still the staged one; the rest shares its transaction.
                if (!Commit(session, documentId, version, now))
                {
                    return false;
                }

                SetIndexVersions(session, documentId, indexNames, version, now);
                if (seenGeneration > 0)
                {
                    session.Execute(
                        "UPDATE documents SET last_seen_run = MAX(last_seen_run, $g) WHERE id = $id;",
                        ("$g", seenGeneration),
                        ("$id", documentId));
                }

                return true;
            },
            cancellationToken);
    }

    private static void SetIndexVersions(SqliteSession session, string documentId, IReadOnlyCollection<string> indexNames, int version, long now)
    {
        var json = session.Scalar("SELECT index_versions FROM documents WHERE id = $id;", ("$id", documentId)) as string;
        if (json is null)
        {
            return;
        }

        var versions = new Dictionary<string, int>(MetadataJson.DeserializeVersions(json), StringComparer.Ordinal);
        foreach (var name in indexNames)
        {
            versions[name] = version;
        }

        session.Execute(
            "UPDATE documents SET index_versions = $v, updated_at = $now WHERE id = $id;",
            ("$v", MetadataJson.SerializeVersions(versions)),
            ("$now", now),
            ("$id", documentId));
    }

    private static bool Commit(SqliteSession session, string documentId, int version, long now)
    {
        var updated = session.Execute(
            """
            UPDATE documents SET
                version = pending_version, source = staged_source, content_hash = staged_content_hash,
                metadata_hash = staged_metadata_hash, metadata = staged_metadata,
                pending_version = NULL, staged_source = NULL, staged_content_hash = NULL, staged_metadata_hash = NULL, staged_metadata = NULL,
                status = $indexed, last_error = NULL, updated_at = $now,
                chunk_count = (SELECT COUNT(*) FROM chunks WHERE document_id = $id AND version = $v)
            WHERE id = $id AND pending_version = $v;
            """,
            ("$indexed", (int)DocumentStatus.Indexed),
            ("$now", now),
            ("$id", documentId),
            ("$v", version));
        if (updated == 0)
        {
            return false;
        }

        session.Execute("DELETE FROM chunks WHERE document_id = $id AND version <> $v;", ("$id", documentId), ("$v", version));
        return true;
    }

    public Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(error);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteDocumentAsync(session => session.Execute(
            "UPDATE documents SET status = $failed, last_error = $e, updated_at = $now WHERE id = $id;",
            ("$failed", (int)DocumentStatus.Failed),
            ("$e", error),
            ("$now", now),
            ("$id", documentId)), cancellationToken);
    }

    public Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteDocumentAsync(session => session.Execute(
            "UPDATE documents SET status = $removing, updated_at = $now WHERE id = $id;",
            ("$removing", (int)DocumentStatus.Removing),
            ("$now", now),
            ("$id", documentId)) > 0, cancellationToken);
    }

    public Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return WriteDocumentAsync(session =>
        {
            session.Execute("DELETE FROM chunks WHERE document_id = $id;", ("$id", documentId));
            session.Execute("DELETE FROM document_fences WHERE document_id = $id;", ("$id", documentId));
            return session.Execute("DELETE FROM documents WHERE id = $id;", ("$id", documentId)) > 0;
        }, cancellationToken);
    }

    public Task TakeFenceAsync(string documentId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(token);

        // One writer (BEGIN IMMEDIATE across processes): every fenced write of the previous owner is either committed
        // before this, so the new owner reads it, or runs after it and is refused.
        return _database.WriteAsync(session => session.Execute(
            "INSERT INTO document_fences (document_id, lease_token) VALUES ($id, $t) ON CONFLICT (document_id) DO UPDATE SET lease_token = excluded.lease_token;",
            ("$id", documentId),
            ("$t", token)), cancellationToken);
    }

    public Task<bool> HoldsFenceAsync(string documentId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(token);
        return _database.ReadAsync(session => HoldsFence(session, documentId, token), cancellationToken);
    }

    private static bool HoldsFence(SqliteSession session, string documentId, string token) =>
        session.Scalar("SELECT lease_token FROM document_fences WHERE document_id = $id;", ("$id", documentId)) is string owner &&
        string.Equals(owner, token, StringComparison.Ordinal);

    /// <summary>
    /// Runs a document write; under a <see cref="WriteFence"/> (read now, on the caller's flow) the write first checks,
    /// in its own transaction, that the fence's token still owns the document, and is refused otherwise.
    /// </summary>
    private Task<T> WriteDocumentAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        if (WriteFence.Current is not { } fence)
        {
            return _database.WriteAsync(work, cancellationToken);
        }

        return _database.WriteAsync(
            session => HoldsFence(session, fence.DocumentId, fence.Token) ? work(session) : throw fence.Refused(),
            cancellationToken);
    }

    private Task WriteDocumentAsync(Action<SqliteSession> work, CancellationToken cancellationToken) =>
        WriteDocumentAsync(
            session =>
            {
                work(session);
                return true;
            },
            cancellationToken);

    public Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> GetEmbeddingsAsync(string model, IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(textHashes);
        return _database.ReadAsync<IReadOnlyDictionary<string, ReadOnlyMemory<float>>>(session =>
        {
            var found = new Dictionary<string, ReadOnlyMemory<float>>(textHashes.Count, StringComparer.Ordinal);
            foreach (var chunk in textHashes.Chunk(500))
            {
                var command = session.Command("SELECT text_hash, vector FROM embeddings WHERE model = $m AND text_hash IN (SELECT value FROM json_each($h));");
                command.Parameters.AddWithValue("$m", model);
                command.Parameters.AddWithValue("$h", System.Text.Json.JsonSerializer.Serialize(chunk));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    found[reader.GetString(0)] = EmbeddingBlob.FromBytes((byte[])reader.GetValue(1));
                }
            }

            return found;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        return _database.ReadAsync<IReadOnlyDictionary<string, ResolvedChunk>>(session =>
        {
            var found = new Dictionary<string, ResolvedChunk>(chunkIds.Count, StringComparer.Ordinal);
            foreach (var chunk in chunkIds.Chunk(500))
            {
                // Newest version first, so a chunk present in a staged and a committed version resolves to the staged one.
                var command = session.Command(
                    $"""
                    SELECT c.chunk_id, c.document_id, c.revision, c.ordinal, c.text, c.text_hash, c.start_offset, c.end_offset, c.page, c.metadata,
                           COALESCE(d.staged_source, d.source)
                    FROM chunks c JOIN documents d ON d.id = c.document_id
                    WHERE c.chunk_id IN (SELECT value FROM json_each($ids))
                    ORDER BY c.chunk_id, c.version DESC;
                    """);
                command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(chunk));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var record = ReadChunk(reader);
                    found.TryAdd(record.ChunkId, new ResolvedChunk(record, reader.GetString(10)));
                }
            }

            return found;
        }, cancellationToken);
    }

    public IAsyncEnumerable<RegistryEntry> StreamEntriesAsync(CancellationToken cancellationToken = default) =>
        _database.StreamAsync(
            "SELECT c.chunk_id, c.document_id, c.revision FROM chunks c JOIN documents d ON d.id = c.document_id AND c.version = d.version ORDER BY c.chunk_id;",
            static r => new RegistryEntry(r.GetString(0), r.GetString(1), r.GetInt32(2)),
            cancellationToken: cancellationToken);

    public Task<long> BeginRunAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return _database.WriteAsync(session =>
        {
            session.Execute("INSERT INTO runs (started_at) VALUES ($now);", ("$now", now));
            return (long)session.Scalar("SELECT last_insert_rowid();")!;
        }, cancellationToken);
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        if (documentIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var json = System.Text.Json.JsonSerializer.Serialize(documentIds);
        return WriteDocumentAsync(session => session.Execute(
            "UPDATE documents SET last_seen_run = MAX(last_seen_run, $g) WHERE id IN (SELECT value FROM json_each($ids));",
            ("$g", generation),
            ("$ids", json)), cancellationToken);
    }

    public Task<IReadOnlySet<string>> MarkSeenAndListCommittedAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        if (documentIds.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
        }

        var json = System.Text.Json.JsonSerializer.Serialize(documentIds);
        return WriteDocumentAsync<IReadOnlySet<string>>(session =>
        {
            // The same update as MarkSeenAsync; RETURNING hands back the rows it touched, so knowing which documents exist costs no read.
            var command = session.Command("UPDATE documents SET last_seen_run = MAX(last_seen_run, $g) WHERE id IN (SELECT value FROM json_each($ids)) RETURNING id, version;");
            command.Parameters.AddWithValue("$g", generation);
            command.Parameters.AddWithValue("$ids", json);
            var committed = new HashSet<string>(documentIds.Count, StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (reader.GetInt64(1) > 0)
                {
                    committed.Add(reader.GetString(0));
                }
            }

            return committed;
        }, cancellationToken);
    }

    public IAsyncEnumerable<DocumentRecord> StreamNotSeenAsync(long generation, CancellationToken cancellationToken = default) =>
        _database.StreamAsync(
            $"SELECT {DocumentColumns} FROM documents WHERE last_seen_run < $g ORDER BY id;",
            ReadDocument,
            [("$g", generation)],
            cancellationToken);

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _database.ReadAsync(session => session.Scalar("SELECT value FROM settings WHERE key = $k;", ("$k", key)) as string, cancellationToken);
    }

    public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return _database.WriteAsync(session => session.Execute(
            "INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
            ("$k", key),
            ("$v", value)), cancellationToken);
    }

    public Task<long> PurgeUnusedEmbeddingsAsync(CancellationToken cancellationToken = default) =>
        _database.WriteAsync(session => (long)session.Execute(
            PurgeUnusedEmbeddingsSql), cancellationToken);

    /// <summary>The purge; the prefix comparison is what lets it use <c>chunks_text_hash_prefix</c>.</summary>
    internal const string PurgeUnusedEmbeddingsSql =
        """
        DELETE FROM embeddings WHERE NOT EXISTS (
            SELECT 1 FROM chunks c WHERE substr(c.text_hash, 1, 8) = substr(embeddings.text_hash, 1, 8) AND c.text_hash = embeddings.text_hash);
        """;

    public Task<RegistryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(session =>
        {
            var command = session.Command(
                """
                SELECT
                  (SELECT COUNT(*) FROM documents WHERE version > 0),
                  (SELECT COALESCE(SUM(chunk_count), 0) FROM documents WHERE version > 0),
                  (SELECT COUNT(*) FROM documents WHERE pending_version IS NOT NULL),
                  (SELECT COUNT(*) FROM documents WHERE status = $failed),
                  (SELECT COUNT(*) FROM embeddings),
                  (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size());
                """);
            command.Parameters.AddWithValue("$failed", (int)DocumentStatus.Failed);
            using var reader = command.ExecuteReader();
            reader.Read();
            return new RegistryStatistics(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        }, cancellationToken);

    private static DocumentRecord ReadDocument(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Source = reader.GetString(1),
        Version = reader.GetInt32(2),
        PendingVersion = reader.IsDBNull(3) ? null : reader.GetInt32(3),
        ContentHash = reader.IsDBNull(4) ? null : reader.GetString(4),
        MetadataHash = reader.IsDBNull(5) ? null : reader.GetString(5),
        Metadata = MetadataJson.Deserialize(reader.GetString(6)),
        Status = (DocumentStatus)reader.GetInt32(7),
        ChunkCount = reader.GetInt32(8),
        IndexVersions = MetadataJson.DeserializeVersions(reader.GetString(9)),
        LastError = reader.IsDBNull(10) ? null : reader.GetString(10),
        LastSeenRun = reader.GetInt64(11),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
    };

    private static ChunkRecord ReadChunk(SqliteDataReader reader) => new()
    {
        ChunkId = reader.GetString(0),
        DocumentId = reader.GetString(1),
        Revision = reader.GetInt32(2),
        Ordinal = reader.GetInt32(3),
        Text = reader.GetString(4),
        TextHash = reader.GetString(5),
        StartOffset = reader.GetInt32(6),
        EndOffset = reader.GetInt32(7),
        Page = reader.IsDBNull(8) ? null : reader.GetInt32(8),
        Metadata = MetadataJson.Deserialize(reader.GetString(9)),
    };
}
