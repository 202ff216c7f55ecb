using DocPipeline.Registry;
using DocPipeline.Specification.Tests.Registry;
using DocPipeline.Storage;

namespace DocPipeline.Tests.Registry;

public sealed class SqliteDocumentRegistryTests : DocumentRegistrySpecification
{
    private readonly List<SqliteDatabase> _databases = [];

    protected override IDocumentRegistry CreateRegistry(bool reopen = false) => Open();

    private SqliteDocumentRegistry Open()
    {
        var database = SqliteDatabase.Open(Directory.File("registry.db"), "document registry", SqliteDocumentRegistry.Schema);
        _databases.Add(database);
        return new SqliteDocumentRegistry(database, Time);
    }

    [Fact]
    public async Task Reopen_CommittedDocumentAndEmbeddings_Survive()
    {
        var registry = Open();
        await Commit(registry, Version("doc-a", 1, "one") with
        {
            EmbeddingModel = "m:2",
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("one")] = new[] { 1f, 0f } },
        });
        _databases[0].Dispose();

        var reopened = Open();

        Assert.Equal(1, (await reopened.GetAsync("doc-a"))!.Version);
        Assert.Single(await reopened.GetEmbeddingsAsync("m:2", [TextHash("one")]));
    }

    [Fact]
    public async Task Open_FileWrittenWithFirstSchema_KeepsEveryChunkAndEmbeddingInRowidTables()
    {
        var firstSchema = new SqliteSchema(SqliteDocumentRegistry.Schema.Component, [SqliteDocumentRegistry.Schema.Steps[0]]);
        var old = SqliteDatabase.Open(Directory.File("registry.db"), "document registry", firstSchema);
        var oldRegistry = new SqliteDocumentRegistry(old, Time);
        await Commit(oldRegistry, Version("doc-a", 1, "one", "two") with
        {
            EmbeddingModel = "m:2",
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("one")] = new[] { 1f, 0f } },
        });
        await oldRegistry.StageAsync(Version("doc-b", 1, "staged"));
        old.Dispose();

        var database = SqliteDatabase.Open(Directory.File("registry.db"), "document registry", SqliteDocumentRegistry.Schema);
        _databases.Add(database);
        var registry = new SqliteDocumentRegistry(database, Time);

        Assert.Equal(["one", "two"], (await registry.GetChunksAsync("doc-a", 1)).Select(c => c.Text));
        Assert.Equal(["staged"], (await registry.GetChunksAsync("doc-b", 1)).Select(c => c.Text));
        var migrated = await registry.GetEmbeddingsAsync("m:2", [TextHash("one")]);
        Assert.Equal([1f, 0f], migrated[TextHash("one")].ToArray());
        var tables = database.Read(session =>
        {
            using var command = session.Connection.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('chunks', 'embeddings');";
            using var reader = command.ExecuteReader();
            var definitions = new List<string>();
            while (reader.Read())
            {
                definitions.Add(reader.GetString(0));
            }

            return definitions;
        });
        Assert.Equal(2, tables.Count);
        Assert.All(tables, sql => Assert.DoesNotContain("WITHOUT ROWID", sql, StringComparison.OrdinalIgnoreCase));

        // Still keyed by (model, text hash): storing an embedding again replaces it.
        await registry.StageAsync(Version("doc-a", 2, "one") with
        {
            EmbeddingModel = "m:2",
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("one")] = new[] { 0f, 1f } },
        });
        var replaced = await registry.GetEmbeddingsAsync("m:2", [TextHash("one")]);
        Assert.Equal([0f, 1f], replaced[TextHash("one")].ToArray());
        Assert.Equal(1, (await registry.GetStatisticsAsync()).Embeddings);

        // The text hash lookups of the purge work on the migrated file: "one" is still used by both versions.
        Assert.Equal(0, await registry.PurgeUnusedEmbeddingsAsync());
    }

    [Fact]
    public async Task Open_NewFile_Has16KbPagesWhileAFileCreatedWith4KbPagesKeepsThemAndWorks()
    {
        var registry = Open();
        await Commit(registry, Version("doc-a", 1, "one"));
        Assert.Equal(16 * 1024, PageSize(_databases[0]));

        var smallPages = SqliteDatabase.Open(Directory.File("small-pages.db"), "document registry", SqliteDocumentRegistry.Schema with { PageSize = null });
        await Commit(new SqliteDocumentRegistry(smallPages, Time), Version("doc-b", 1, "two"));
        Assert.Equal(4096, PageSize(smallPages));
        smallPages.Dispose();

        var reopened = SqliteDatabase.Open(Directory.File("small-pages.db"), "document registry", SqliteDocumentRegistry.Schema);
        _databases.Add(reopened);
        var again = new SqliteDocumentRegistry(reopened, Time);
        await Commit(again, Version("doc-c", 1, "three"));

        Assert.Equal(4096, PageSize(reopened));
        Assert.Equal(["two"], (await again.GetChunksAsync("doc-b", 1)).Select(c => c.Text));
        Assert.Equal(["three"], (await again.GetChunksAsync("doc-c", 1)).Select(c => c.Text));
    }

    [Fact]
    public async Task PurgeUnusedEmbeddingsAsync_LooksChunksUpThroughTheTextHashPrefixIndex()
    {
        var registry = Open();
        await Commit(registry, Version("doc-a", 1, "kept") with
        {
            EmbeddingModel = "m:2",
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("kept")] = new[] { 1f, 0f }, [TextHash("unused")] = new[] { 0f, 1f } },
        });

        var plan = _databases[0].Read(session =>
        {
            using var command = session.Connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + SqliteDocumentRegistry.PurgeUnusedEmbeddingsSql;
            using var reader = command.ExecuteReader();
            var steps = new List<string>();
            while (reader.Read())
            {
                steps.Add(reader.GetString(3));
            }

            return string.Join("\n", steps);
        });

        // Without the index the purge would scan every chunk once per embedding.
        Assert.Contains("USING INDEX chunks_text_hash_prefix", plan, StringComparison.Ordinal);
        Assert.Equal(1, await registry.PurgeUnusedEmbeddingsAsync());
        Assert.Single(await registry.GetEmbeddingsAsync("m:2", [TextHash("kept"), TextHash("unused")]));
    }

    private static long PageSize(SqliteDatabase database) => database.Read(session => (long)session.Scalar("PRAGMA page_size;")!);

    protected override void DisposeRegistry()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }
}
