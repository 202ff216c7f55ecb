using DocPipeline.Indexing;
using DocPipeline.PostgreSql.Storage;
using DocPipeline.Registry;
using Npgsql;

namespace DocPipeline.PostgreSql.Indexing;

/// <summary>
/// A keyword index on PostgreSQL full-text search that any number of worker processes write at once (unlike a
/// Lucene folder, which has one writer): one row per chunk with a stored, generated <c>tsvector</c> (English
/// configuration: stemming and stop words), a GIN index over it, and hits ranked by <c>ts_rank_cd</c>.
/// </summary>
/// <remarks>
/// <para>The query is never parsed as query syntax: it goes through the same <c>to_tsvector</c> as the chunk text, and
/// its words are OR-ed into a <c>tsquery</c> by the server, so quotes, operators and brackets are just characters, and
/// a chunk matching more of the words (or matching them more often) ranks higher. Path and markup characters
/// (<c>/ \ &lt; &gt; @</c>) are read as spaces on both sides, so <c>docs/guide</c> finds "guide" and a word in angle
/// brackets is not dropped as a tag.</para>
/// <para>Ranking is cover density with a logarithmic length normalization: there is no inverse document frequency as
/// in BM25, so a rare query word weighs no more than a common one.</para>
/// </remarks>
internal sealed class PostgreSqlKeywordIndex : IKeywordIndex
{
    /// <summary>The table of the keyword index. Never edit a shipped step; append one.</summary>
    internal static readonly PostgreSqlSchema Schema = new("keyword", "keyword index",
    [
        $$"""
        CREATE TABLE {schema}.keyword_chunks (
            chunk_id text COLLATE "C" PRIMARY KEY,
            document_id text COLLATE "C" NOT NULL,
            version integer NOT NULL,
            text text NOT NULL,
            metadata jsonb,
            search tsvector GENERATED ALWAYS AS ({{Analyze("text")}}) STORED
        );
        CREATE INDEX keyword_chunks_search ON {schema}.keyword_chunks USING gin (search);
        CREATE INDEX keyword_chunks_document ON {schema}.keyword_chunks (document_id);
        """,
    ]);

    // 1 divides the rank by 1 + log(number of words), so a short chunk about the word beats a long one mentioning it.
    private static readonly string SearchSql =
        $$"""
        WITH query AS (
            SELECT string_agg('''' || replace(replace(l.lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery AS words
            FROM unnest({{Analyze("@query")}}) AS l
        )
        SELECT k.chunk_id, k.document_id, k.version, ts_rank_cd(k.search, q.words, 1) AS score
        FROM {schema}.keyword_chunks AS k, query AS q
        WHERE k.search @@ q.words
        ORDER BY score DESC, k.chunk_id
        LIMIT @top;
        """;

    private readonly PostgreSqlDatabase _database;

    public PostgreSqlKeywordIndex(PostgreSqlDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public string Name => "keyword";

    public Task UpsertAsync(IReadOnlyList<KeywordRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.ChunkId, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.DocumentId, nameof(records));
            ArgumentNullException.ThrowIfNull(record.Text, nameof(records));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The last record per chunk id wins, and rows are written in id order, so writers with overlapping batches
        // lock them in the same order and never deadlock.
        var batch = records
            .Select((record, index) => (record, index))
            .GroupBy(p => p.record.ChunkId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.index).record)
            .OrderBy(r => r.ChunkId, StringComparer.Ordinal)
            .ToArray();
        return _database.ExecuteAsync(
            Schema,
            """
                INSERT INTO {schema}.keyword_chunks (chunk_id, document_id, version, text, metadata)
                SELECT t.chunk_id, t.document_id, t.version, t.text, t.metadata::jsonb
                FROM unnest(@ids, @documents, @versions, @texts, @metadata) AS t(chunk_id, document_id, version, text, metadata)
                ON CONFLICT (chunk_id) DO UPDATE SET
                    document_id = excluded.document_id, version = excluded.version, text = excluded.text, metadata = excluded.metadata;
                """,
            p => p
                .TextArray("ids", batch.Select(r => r.ChunkId).ToArray())
                .TextArray("documents", batch.Select(r => r.DocumentId).ToArray())
                .IntegerArray("versions", batch.Select(r => (int?)r.Version).ToArray())
                .TextArray("texts", batch.Select(r => r.Text).ToArray())
                .TextArray("metadata", batch.Select(r => r.Metadata is null ? null : MetadataJson.Serialize(r.Metadata)).ToArray()),
            cancellationToken);
    }

    public async Task<IReadOnlyList<IndexHit>> SearchAsync(string query, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        return await _database.QueryAsync(
            Schema,
            SearchSql,
            p => p.Text("query", query).Integer("top", topK),
            r => new IndexHit(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetFloat(3)),
            cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) =>
        DeleteAsync("chunk_id", chunkIds, cancellationToken);

    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) =>
        DeleteAsync("document_id", documentIds, cancellationToken);

    public IAsyncEnumerable<IndexEntry> ListEntriesAsync(CancellationToken cancellationToken = default) =>
        _database.StreamAsync(
            Schema,
            "SELECT k.chunk_id, k.document_id, k.version FROM {schema}.keyword_chunks AS k;",
            bind: null,
            static r => new IndexEntry(r.GetString(0), r.GetString(1), r.GetInt32(2)),
            cancellationToken);

    public async Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var statistics = await _database.QueryAsync(
            Schema,
            "SELECT COUNT(*), COUNT(DISTINCT k.document_id), pg_total_relation_size(@table::regclass) FROM {schema}.keyword_chunks AS k;",
            p => p.Text("table", $"\"{_database.Schema}\".keyword_chunks"),
            r => new IndexStatistics(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)),
            cancellationToken).ConfigureAwait(false);
        return statistics[0];
    }

    // TRUNCATE is transactional in PostgreSQL and frees the space at once; searches wait for it briefly.
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        _database.ExecuteAsync(Schema, "TRUNCATE {schema}.keyword_chunks;", bind: null, cancellationToken);

    /// <summary>The analysis applied to chunk text and to queries alike.</summary>
    private static string Analyze(string text) => $"to_tsvector('english'::regconfig, translate({text}, '/\\<>@', '     '))";

    private Task DeleteAsync(string column, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return _database.ExecuteAsync(
            Schema, $"DELETE FROM {{schema}}.keyword_chunks AS k WHERE k.{column} = ANY(@ids);", p => p.TextArray("ids", sorted), cancellationToken);
    }
}
