using DocPipeline.PostgreSql.Storage;
using DocPipeline.Registry;
using Npgsql;

namespace DocPipeline.PostgreSql.Registry;

/// <summary>The document registry and artifact store in PostgreSQL, shared by every worker process.</summary>
/// <remarks>
/// <para>The same model as the embedded registry: chunk rows are keyed by (document, version, chunk), so a staged
/// version lives beside the committed one until the commit drops the old rows; embeddings are stored once per
/// (model, chunk text hash) as little-endian float32 bytes. Metadata and index versions are <c>jsonb</c>, so they can be
/// queried, and recording an index version is one atomic merge, whichever worker does it.</para>
/// <para>Ids and hashes are <c>COLLATE "C"</c>: listings page and sort by ordinal order, as in every other store.</para>
/// </remarks>
internal sealed class PostgreSqlDocumentRegistry : IDocumentRegistry, IEmbeddingCache, IRunGenerationStore, ISettingsStore, IDocumentFenceStore
{
    /// <summary>The tables of the registry. Never edit a shipped step; append one.</summary>
    internal static readonly PostgreSqlSchema Schema = new("registry", "document registry",
    [
        """
        CREATE TABLE {schema}.documents (
            id text COLLATE "C" PRIMARY KEY,
            source text COLLATE "C" NOT NULL,
            version integer NOT NULL DEFAULT 0,
            pending_version integer,
            content_hash text,
            metadata_hash text,
            metadata jsonb NOT NULL DEFAULT '{}',
            staged_source text COLLATE "C",
            staged_content_hash text,
            staged_metadata_hash text,
            staged_metadata jsonb,
            status integer NOT NULL,
            chunk_count integer NOT NULL DEFAULT 0,
            index_versions jsonb NOT NULL DEFAULT '{}',
            last_error text,
            last_seen_run bigint NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX documents_source ON {schema}.documents (source);
        CREATE INDEX documents_last_seen ON {schema}.documents (last_seen_run);
        CREATE TABLE {schema}.chunks (
            document_id text COLLATE "C" NOT NULL,
            version integer NOT NULL,
            chunk_id text COLLATE "C" NOT NULL,
            revision integer NOT NULL,
            ordinal integer NOT NULL,
            text text NOT NULL,
            text_hash text COLLATE "C" NOT NULL,
            start_offset integer NOT NULL,
            end_offset integer NOT NULL,
            page integer,
            metadata jsonb NOT NULL,
            PRIMARY KEY (document_id, version, chunk_id)
        );
        CREATE INDEX chunks_chunk_id ON {schema}.chunks (chunk_id, version);
        CREATE INDEX chunks_text_hash ON {schema}.chunks (text_hash);
        CREATE TABLE {schema}.embeddings (
            model text COLLATE "C" NOT NULL,
            text_hash text COLLATE "C" NOT NULL,
            vector bytea NOT NULL,
            PRIMARY KEY (model, text_hash)
        );
        CREATE TABLE {schema}.runs (
            generation bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            started_at timestamptz NOT NULL
        );
        CREATE TABLE {schema}.settings (
            key text COLLATE "C" PRIMARY KEY,
            value text NOT NULL
        );
        """,

        // Which job attempt (lease token) owns each document: fenced writes under another token are refused (WriteFence).
        """
        CREATE TABLE {schema}.document_fences (
            document_id text COLLATE "C" PRIMARY KEY,
            lease_token text NOT NULL
        );
        """,
    ]);

    private const string DocumentColumns =
        "d.id, d.source, d.version, d.pending_version, d.content_hash, d.metadata_hash, d.metadata::text, d.status, d.chunk_count, " +
        "d.index_versions::text, d.last_error, d.last_seen_run, d.created_at, d.updated_at";

    private const string ChunkColumns =
        "c.chunk_id, c.document_id, c.revision, c.ordinal, c.text, c.text_hash, c.start_offset, c.end_offset, c.page, c.metadata::text";

    // One round trip. The first statement locks the document and reports its committed version; the others change
    // nothing unless the staged version is above it (the caller then rolls back and says why).
    private const string StageSql =
        """
        SELECT d.version FROM {schema}.documents AS d WHERE d.id = @id FOR UPDATE;
        INSERT INTO {schema}.documents AS d (id, source, status, created_at, updated_at, pending_version, staged_source, staged_content_hash, staged_metadata_hash, staged_metadata)
        VALUES (@id, @source, @pending, @now, @now, @version, @source, @hash, @metadataHash, @metadata)
        ON CONFLICT (id) DO UPDATE SET
            pending_version = excluded.pending_version, staged_source = excluded.staged_source,
            staged_content_hash = excluded.staged_content_hash, staged_metadata_hash = excluded.staged_metadata_hash,
            staged_metadata = excluded.staged_metadata, status = @pending, last_error = NULL, updated_at = excluded.updated_at
        WHERE d.version < @version;
        DELETE FROM {schema}.chunks AS c
        WHERE c.document_id = @id AND c.version > (SELECT d.version FROM {schema}.documents AS d WHERE d.id = @id AND d.version < @version);
        INSERT INTO {schema}.chunks (document_id, version, chunk_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata)
        SELECT @id, @version, t.chunk_id, t.revision, t.ordinal, t.text, t.text_hash, t.start_offset, t.end_offset, t.page, t.metadata::jsonb
        FROM unnest(@chunkIds, @revisions, @ordinals, @texts, @textHashes, @starts, @ends, @pages, @chunkMetadata)
            AS t(chunk_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata)
        WHERE EXISTS (SELECT 1 FROM {schema}.documents AS d WHERE d.id = @id AND d.version < @version);
        INSERT INTO {schema}.embeddings (model, text_hash, vector)
        SELECT @model, e.text_hash, e.vector FROM unnest(@embeddingHashes, @vectors) AS e(text_hash, vector)
        WHERE EXISTS (SELECT 1 FROM {schema}.documents AS d WHERE d.id = @id AND d.version < @version)
        ORDER BY e.text_hash
        ON CONFLICT (model, text_hash) DO UPDATE SET vector = excluded.vector;
        """;

    private const string FenceOwnerSql = "SELECT f.lease_token FROM {schema}.document_fences AS f WHERE f.document_id = @id FOR SHARE;";

    private const string AppendSql =
        """
        SELECT d.pending_version FROM {schema}.documents AS d WHERE d.id = @id FOR UPDATE;
        INSERT INTO {schema}.chunks (document_id, version, chunk_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata)
        SELECT @id, @version, t.chunk_id, t.revision, t.ordinal, t.text, t.text_hash, t.start_offset, t.end_offset, t.page, t.metadata::jsonb
        FROM unnest(@chunkIds, @revisions, @ordinals, @texts, @textHashes, @starts, @ends, @pages, @chunkMetadata)
            AS t(chunk_id, revision, ordinal, text, text_hash, start_offset, end_offset, page, metadata)
        WHERE EXISTS (SELECT 1 FROM {schema}.documents AS d WHERE d.id = @id AND d.pending_version = @version);
        INSERT INTO {schema}.embeddings (model, text_hash, vector)
        SELECT @model, e.text_hash, e.vector FROM unnest(@embeddingHashes, @vectors) AS e(text_hash, vector)
        WHERE EXISTS (SELECT 1 FROM {schema}.documents AS d WHERE d.id = @id AND d.pending_version = @version)
        ORDER BY e.text_hash
        ON CONFLICT (model, text_hash) DO UPDATE SET vector = excluded.vector;
        """;

    private readonly PostgreSqlDatabase _database;
    private readonly TimeProvider _time;

    public PostgreSqlDocumentRegistry(PostgreSqlDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
    }

    public async Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var found = await _database.QueryAsync(
            Schema, $"SELECT {DocumentColumns} FROM {{schema}}.documents AS d WHERE d.id = @id;", p => p.Text("id", documentId), ReadDocument, cancellationToken)
            .ConfigureAwait(false);
        return found.FirstOrDefault();
    }

    public async Task<IReadOnlyDictionary<string, DocumentRecord>> GetManyAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        if (documentIds.Count == 0)
        {
            return new Dictionary<string, DocumentRecord>(StringComparer.Ordinal);
        }

        var ids = documentIds.ToArray();
        var found = await _database.QueryAsync(
            Schema, $"SELECT {DocumentColumns} FROM {{schema}}.documents AS d WHERE d.id = ANY(@ids);", p => p.TextArray("ids", ids), ReadDocument, cancellationToken)
            .ConfigureAwait(false);
        return found.ToDictionary(d => d.Id, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<DocumentRecord>> ListAsync(DocumentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var pattern = query.Filter is null ? null : GlobPattern.ToRegex(query.Filter);
        return await _database.QueryAsync(
                Schema,
                $$"""
                SELECT {{DocumentColumns}} FROM {schema}.documents AS d
                WHERE (@filter::text IS NULL OR d.source ~ @filter OR d.id ~ @filter)
                  AND (@status::integer IS NULL OR d.status = @status)
                  AND (@after::text IS NULL OR d.id > @after)
                ORDER BY d.id LIMIT @limit;
                """,
                p => p
                    .Text("filter", pattern)
                    .Integer("status", query.Status is { } status ? (int)status : null)
                    .Text("after", query.After)
                    .Integer("limit", query.Limit),
                ReadDocument,
                cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return await _database.QueryAsync(
            Schema,
            $"SELECT {ChunkColumns} FROM {{schema}}.chunks AS c WHERE c.document_id = @id AND c.version = @version ORDER BY c.ordinal;",
            p => p.Text("id", documentId).Integer("version", version),
            ReadChunk,
            cancellationToken).ConfigureAwait(false);
    }

    public Task StageAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        CheckChunks(version);

        var now = _time.GetUtcNow();
        return WriteDocumentAsync(async (connection, token) =>
        {
            // Only the first statement returns a row: the committed version of a document that exists already.
            var committed = await _database.QueryAsync(
                connection,
                StageSql,
                p => BindChunks(
                    p.Text("id", version.DocumentId)
                    .Text("source", version.Source)
                    .Integer("pending", (int)DocumentStatus.Pending)
                    .Time("now", now)
                    .Integer("version", version.Version)
                    .Text("hash", version.ContentHash)
                    .Text("metadataHash", version.MetadataHash)
                    .Jsonb("metadata", MetadataJson.Serialize(version.Metadata)),
                    version),
                r => r.GetInt32(0),
                token).ConfigureAwait(false);
            if (committed.Count > 0 && committed[0] is var current && version.Version <= current)
            {
                // Thrown inside the transaction, so nothing the batch did survives.
                throw new InvalidOperationException(
                    $"Cannot stage version {version.Version} of document '{version.DocumentId}': version {current} is already committed.");
            }

            return true;
        }, cancellationToken);
    }

    public Task AppendStagedChunksAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        CheckChunks(version);
        return WriteDocumentAsync(async (connection, token) =>
        {
            // Only the first statement returns a row: the staged version, locked until the chunks are in.
            var pending = await _database.QueryAsync(
                connection,
                AppendSql,
                p => BindChunks(p.Text("id", version.DocumentId).Integer("version", version.Version), version),
                r => r.IsDBNull(0) ? (int?)null : r.GetInt32(0),
                token).ConfigureAwait(false);
            if (pending.Count == 0 || pending[0] != version.Version)
            {
                // Thrown inside the transaction, so nothing the batch did survives.
                throw new InvalidOperationException(
                    $"Cannot add chunks to version {version.Version} of document '{version.DocumentId}': it is not the staged version.");
            }

            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, string? afterChunkId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await _database.QueryAsync(
            Schema,
            $"SELECT {ChunkColumns} FROM {{schema}}.chunks AS c WHERE c.document_id = @id AND c.version = @version AND c.chunk_id > @after ORDER BY c.chunk_id LIMIT @limit;",
            p => p.Text("id", documentId).Integer("version", version).Text("after", afterChunkId ?? string.Empty).Integer("limit", limit),
            ReadChunk,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Binds a version's chunks and new embeddings as the arrays <c>StageSql</c> and <c>AppendSql</c> unnest.</summary>
    private static NpgsqlParameterCollection BindChunks(NpgsqlParameterCollection parameters, StagedVersion version)
    {
        var chunks = version.Chunks;
        var embeddings = version.NewEmbeddings.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        return parameters
            .TextArray("chunkIds", chunks.Select(c => c.ChunkId).ToArray())
            .IntegerArray("revisions", chunks.Select(c => (int?)c.Revision).ToArray())
            .IntegerArray("ordinals", chunks.Select(c => (int?)c.Ordinal).ToArray())
            .TextArray("texts", chunks.Select(c => c.Text).ToArray())
            .TextArray("textHashes", chunks.Select(c => c.TextHash).ToArray())
            .IntegerArray("starts", chunks.Select(c => (int?)c.StartOffset).ToArray())
            .IntegerArray("ends", chunks.Select(c => (int?)c.EndOffset).ToArray())
            .IntegerArray("pages", chunks.Select(c => c.Page).ToArray())
            .TextArray("chunkMetadata", chunks.Select(c => MetadataJson.Serialize(c.Metadata)).ToArray())
            .Text("model", version.EmbeddingModel)
            .TextArray("embeddingHashes", embeddings.Select(p => p.Key).ToArray())
            .ByteaArray("vectors", embeddings.Select(e => EmbeddingBlob.ToBytes(e.Value)).ToArray());
    }

    private static void CheckChunks(StagedVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        foreach (var chunk in version.Chunks)
        {
            if (!string.Equals(chunk.DocumentId, version.DocumentId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Chunk '{chunk.ChunkId}' belongs to document '{chunk.DocumentId}', not '{version.DocumentId}'.", nameof(version));
            }
        }

        if (version.NewEmbeddings.Count > 0 && version.EmbeddingModel is null)
        {
            throw new ArgumentException("New embeddings need an embedding model key.", nameof(version));
        }
    }

    public Task SetIndexVersionsAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(indexNames);
        return ExecuteDocumentAsync(SetIndexVersionsSql, BindIndexVersions(documentId, indexNames, version, _time.GetUtcNow()), cancellationToken);
    }

    // A merge in one statement: workers recording different indexes of one document never overwrite each other.
    private const string SetIndexVersionsSql = "UPDATE {schema}.documents AS d SET index_versions = d.index_versions || @patch, updated_at = @now WHERE d.id = @id;";

    private static Action<NpgsqlParameterCollection> BindIndexVersions(string documentId, IReadOnlyCollection<string> indexNames, int version, DateTimeOffset now)
    {
        var patch = MetadataJson.SerializeVersions(indexNames.Distinct(StringComparer.Ordinal).ToDictionary(n => n, _ => version, StringComparer.Ordinal));
        return p => p.Jsonb("patch", patch).Time("now", now).Text("id", documentId);
    }

    public async Task<bool> CommitAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var now = _time.GetUtcNow();
        return await WriteDocumentAsync((connection, token) => CommitAsync(connection, documentId, version, now, token), cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(indexNames);
        var now = _time.GetUtcNow();
        return WriteDocumentAsync(
            async (connection, token) =>
            {
                // Commit first: it checks that the version is still the staged one; the rest shares its transaction.
                if (!await CommitAsync(connection, documentId, version, now, token).ConfigureAwait(false))
                {
                    return false;
                }

                await _database.ExecuteAsync(connection, SetIndexVersionsSql, BindIndexVersions(documentId, indexNames, version, now), token).ConfigureAwait(false);
                if (seenGeneration > 0)
                {
                    await _database.ExecuteAsync(connection, MarkSeenSql, BindSeen([documentId], seenGeneration), token).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);
    }

    private async Task<bool> CommitAsync(NpgsqlConnection connection, string documentId, int version, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var committed = await _database.QueryAsync(
            connection,
            CommitSql,
            p => p.Integer("indexed", (int)DocumentStatus.Indexed).Time("now", now).Text("id", documentId).Integer("version", version),
            r => r.GetInt64(0),
            cancellationToken).ConfigureAwait(false);
        return committed[0] > 0;
    }

    private const string CommitSql =
        """
        WITH committed AS (
            UPDATE {schema}.documents AS d SET
                version = d.pending_version, source = d.staged_source, content_hash = d.staged_content_hash,
                metadata_hash = d.staged_metadata_hash, metadata = d.staged_metadata,
                pending_version = NULL, staged_source = NULL, staged_content_hash = NULL, staged_metadata_hash = NULL, staged_metadata = NULL,
                status = @indexed, last_error = NULL, updated_at = @now,
                chunk_count = (SELECT COUNT(*) FROM {schema}.chunks AS c WHERE c.document_id = @id AND c.version = @version)
            WHERE d.id = @id AND d.pending_version = @version
            RETURNING d.id
        ), dropped AS (
            DELETE FROM {schema}.chunks AS c WHERE c.document_id IN (SELECT id FROM committed) AND c.version <> @version
        )
        SELECT COUNT(*) FROM committed;
        """;

    public Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(error);
        var now = _time.GetUtcNow();
        return ExecuteDocumentAsync(
            "UPDATE {schema}.documents AS d SET status = @failed, last_error = @error, updated_at = @now WHERE d.id = @id;",
            p => p.Integer("failed", (int)DocumentStatus.Failed).Text("error", error).Time("now", now).Text("id", documentId),
            cancellationToken);
    }

    public async Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var now = _time.GetUtcNow();
        return await ExecuteDocumentAsync(
            "UPDATE {schema}.documents AS d SET status = @removing, updated_at = @now WHERE d.id = @id;",
            p => p.Integer("removing", (int)DocumentStatus.Removing).Time("now", now).Text("id", documentId),
            cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return await ExecuteDocumentAsync(
            """
            WITH removed AS (DELETE FROM {schema}.chunks AS c WHERE c.document_id = @id),
                unfenced AS (DELETE FROM {schema}.document_fences AS f WHERE f.document_id = @id)
            DELETE FROM {schema}.documents AS d WHERE d.id = @id;
            """,
            p => p.Text("id", documentId),
            cancellationToken).ConfigureAwait(false) > 0;
    }

    public Task TakeFenceAsync(string documentId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(token);

        // Waits for the fenced writes in flight (they hold the row FOR SHARE): each is committed before the take, so the
        // new owner reads it, or reads the new token after it and is refused.
        return _database.ExecuteAsync(
            Schema,
            "INSERT INTO {schema}.document_fences AS f (document_id, lease_token) VALUES (@id, @token) " +
            "ON CONFLICT (document_id) DO UPDATE SET lease_token = excluded.lease_token;",
            p => p.Text("id", documentId).Text("token", token),
            cancellationToken);
    }

    public async Task<bool> HoldsFenceAsync(string documentId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(token);
        var owner = await _database.QueryAsync(
            Schema, FenceOwnerSql.Replace(" FOR SHARE", string.Empty, StringComparison.Ordinal), p => p.Text("id", documentId), r => r.GetString(0), cancellationToken)
            .ConfigureAwait(false);
        return owner.Count > 0 && string.Equals(owner[0], token, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs a document write in one transaction; under a <see cref="WriteFence"/> (read now, on the caller's flow) the
    /// transaction first locks the document's fence row (<c>FOR SHARE</c>, so a take waits for it) and is refused unless
    /// the fence's token still owns the document.
    /// </summary>
    private Task<T> WriteDocumentAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (WriteFence.Current is not { } fence)
        {
            return _database.WriteAsync(Schema, work, cancellationToken);
        }

        return _database.WriteAsync(
            Schema,
            async (connection, token) =>
            {
                var owner = await _database.QueryAsync(connection, FenceOwnerSql, p => p.Text("id", fence.DocumentId), r => r.GetString(0), token).ConfigureAwait(false);
                if (owner.Count == 0 || !string.Equals(owner[0], fence.Token, StringComparison.Ordinal))
                {
                    throw fence.Refused();
                }

                return await work(connection, token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private Task<int> ExecuteDocumentAsync(string template, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        WriteDocumentAsync((connection, token) => _database.ExecuteAsync(connection, template, bind, token), cancellationToken);

    public async Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> GetEmbeddingsAsync(string model, IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(textHashes);
        if (textHashes.Count == 0)
        {
            return new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        }

        var hashes = textHashes.ToArray();
        var found = await _database.QueryAsync(
            Schema,
            "SELECT e.text_hash, e.vector FROM {schema}.embeddings AS e WHERE e.model = @model AND e.text_hash = ANY(@hashes);",
            p => p.Text("model", model).TextArray("hashes", hashes),
            r => (Hash: r.GetString(0), Vector: EmbeddingBlob.FromBytes(r.GetFieldValue<byte[]>(1))),
            cancellationToken).ConfigureAwait(false);
        return found.ToDictionary(e => e.Hash, e => (ReadOnlyMemory<float>)e.Vector, StringComparer.Ordinal);
    }

    public Task PutEmbeddingsAsync(string model, IReadOnlyDictionary<string, ReadOnlyMemory<float>> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count == 0)
        {
            return Task.CompletedTask;
        }

        var hashes = embeddings.Keys.Order(StringComparer.Ordinal).ToArray();
        var vectors = hashes.Select(h => EmbeddingBlob.ToBytes(embeddings[h])).ToArray();
        return _database.ExecuteAsync(
            Schema,
            """
            INSERT INTO {schema}.embeddings (model, text_hash, vector)
            SELECT @model, e.text_hash, e.vector FROM unnest(@hashes, @vectors) AS e(text_hash, vector)
            ON CONFLICT (model, text_hash) DO UPDATE SET vector = excluded.vector;
            """,
            p => p.Text("model", model).TextArray("hashes", hashes).ByteaArray("vectors", vectors),
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        if (chunkIds.Count == 0)
        {
            return new Dictionary<string, ResolvedChunk>(StringComparer.Ordinal);
        }

        // Newest version first, so a chunk present in a staged and a committed version resolves to the staged one.
        var ids = chunkIds.ToArray();
        var found = await _database.QueryAsync(
                Schema,
                $$"""
                SELECT DISTINCT ON (c.chunk_id) {{ChunkColumns}}, COALESCE(d.staged_source, d.source)
                FROM {schema}.chunks AS c JOIN {schema}.documents AS d ON d.id = c.document_id
                WHERE c.chunk_id = ANY(@ids)
                ORDER BY c.chunk_id, c.version DESC;
                """,
                p => p.TextArray("ids", ids),
                r => new ResolvedChunk(ReadChunk(r), r.GetString(10)),
                cancellationToken).ConfigureAwait(false);
        return found.ToDictionary(c => c.Chunk.ChunkId, StringComparer.Ordinal);
    }

    public IAsyncEnumerable<RegistryEntry> StreamEntriesAsync(CancellationToken cancellationToken = default) =>
        _database.StreamAsync(
            Schema,
            "SELECT c.chunk_id, c.document_id, c.revision FROM {schema}.chunks AS c JOIN {schema}.documents AS d ON d.id = c.document_id AND c.version = d.version ORDER BY c.chunk_id;",
            bind: null,
            static r => new RegistryEntry(r.GetString(0), r.GetString(1), r.GetInt32(2)),
            cancellationToken);

    public async Task<long> BeginRunAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var generation = await _database.WriteQueryAsync(
            Schema, "INSERT INTO {schema}.runs (started_at) VALUES (@now) RETURNING generation;", p => p.Time("now", now), r => r.GetInt64(0), cancellationToken)
            .ConfigureAwait(false);
        return generation[0];
    }

    public Task MarkSeenAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        if (documentIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        return ExecuteDocumentAsync(MarkSeenSql, BindSeen(documentIds, generation), cancellationToken);
    }

    public async Task<IReadOnlySet<string>> MarkSeenAndListCommittedAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        if (documentIds.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        // The same update as MarkSeenAsync; RETURNING hands back the rows it touched, so knowing which documents exist costs no read.
        var committed = await WriteDocumentAsync(
            (connection, token) => _database.QueryAsync(
                connection, MarkSeenSql.Replace("WHERE d.id = m.id;", "WHERE d.id = m.id RETURNING d.id, d.version;", StringComparison.Ordinal),
                BindSeen(documentIds, generation), r => (Id: r.GetString(0), Version: r.GetInt32(1)), token),
            cancellationToken).ConfigureAwait(false);
        return committed.Where(d => d.Version > 0).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
    }

    private const string MarkSeenSql =
        """
        UPDATE {schema}.documents AS d SET last_seen_run = GREATEST(d.last_seen_run, @generation)
        FROM (SELECT x.id FROM {schema}.documents AS x WHERE x.id = ANY(@ids) ORDER BY x.id) AS m
        WHERE d.id = m.id;
        """;

    // Sorted, so runs marking overlapping documents lock the rows in the same order.
    private static Action<NpgsqlParameterCollection> BindSeen(IReadOnlyCollection<string> documentIds, long generation)
    {
        var ids = documentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return p => p.Bigint("generation", generation).TextArray("ids", ids);
    }

    public IAsyncEnumerable<DocumentRecord> StreamNotSeenAsync(long generation, CancellationToken cancellationToken = default) =>
        _database.StreamAsync(
            Schema,
            $"SELECT {DocumentColumns} FROM {{schema}}.documents AS d WHERE d.last_seen_run < @generation ORDER BY d.id;",
            p => p.Bigint("generation", generation),
            ReadDocument,
            cancellationToken);

    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var value = await _database.QueryAsync(
            Schema, "SELECT s.value FROM {schema}.settings AS s WHERE s.key = @key;", p => p.Text("key", key), r => r.GetString(0), cancellationToken)
            .ConfigureAwait(false);
        return value.FirstOrDefault();
    }

    public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return _database.ExecuteAsync(
            Schema,
            "INSERT INTO {schema}.settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
            p => p.Text("key", key).Text("value", value),
            cancellationToken);
    }

    public async Task<long> PurgeUnusedEmbeddingsAsync(CancellationToken cancellationToken = default) =>
        await _database.ExecuteAsync(
            Schema,
            "DELETE FROM {schema}.embeddings AS e WHERE NOT EXISTS (SELECT 1 FROM {schema}.chunks AS c WHERE c.text_hash = e.text_hash);",
            bind: null,
            cancellationToken).ConfigureAwait(false);

    public async Task<RegistryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var statistics = await _database.QueryAsync(
                Schema,
                """
                SELECT
                  (SELECT COUNT(*) FROM {schema}.documents WHERE version > 0),
                  (SELECT COALESCE(SUM(chunk_count), 0)::bigint FROM {schema}.documents WHERE version > 0),
                  (SELECT COUNT(*) FROM {schema}.documents WHERE pending_version IS NOT NULL),
                  (SELECT COUNT(*) FROM {schema}.documents WHERE status = @failed),
                  (SELECT COUNT(*) FROM {schema}.embeddings),
                  (SELECT SUM(pg_total_relation_size(t.oid))::bigint FROM pg_class AS t
                   WHERE t.relnamespace = to_regnamespace(@schema) AND t.relkind = 'r'
                     AND t.relname IN ('documents', 'chunks', 'embeddings', 'runs', 'settings'));
                """,
                p => p.Integer("failed", (int)DocumentStatus.Failed).Text("schema", $"\"{_database.Schema}\""),
                r => new RegistryStatistics(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.IsDBNull(5) ? -1 : r.GetInt64(5)),
                cancellationToken).ConfigureAwait(false);
        return statistics[0];
    }

    private static DocumentRecord ReadDocument(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Source = reader.GetString(1),
        Version = reader.GetInt32(2),
        PendingVersion = reader.GetInt32OrNull(3),
        ContentHash = reader.GetStringOrNull(4),
        MetadataHash = reader.GetStringOrNull(5),
        Metadata = MetadataJson.Deserialize(reader.GetString(6)),
        Status = (DocumentStatus)reader.GetInt32(7),
        ChunkCount = reader.GetInt32(8),
        IndexVersions = MetadataJson.DeserializeVersions(reader.GetString(9)),
        LastError = reader.GetStringOrNull(10),
        LastSeenRun = reader.GetInt64(11),
        CreatedAt = reader.GetTime(12),
        UpdatedAt = reader.GetTime(13),
    };

    private static ChunkRecord ReadChunk(NpgsqlDataReader reader) => new()
    {
        ChunkId = reader.GetString(0),
        DocumentId = reader.GetString(1),
        Revision = reader.GetInt32(2),
        Ordinal = reader.GetInt32(3),
        Text = reader.GetString(4),
        TextHash = reader.GetString(5),
        StartOffset = reader.GetInt32(6),
        EndOffset = reader.GetInt32(7),
        Page = reader.GetInt32OrNull(8),
        Metadata = MetadataJson.Deserialize(reader.GetString(9)),
    };
}
