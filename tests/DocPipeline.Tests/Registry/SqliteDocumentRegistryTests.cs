using DocPipeline.Registry;
using DocPipeline.Specification.Tests.Registry;
using DocPipeline.Storage;

namespace DocPipeline.Tests.Registry;

public sealed class SqliteDocumentRegistryTests : DocumentRegistrySpecification
{
    private readonly List<SqliteDatabase> _databases = [];

    protected override IDocumentRegistry CreateRegistry(bool reopen = false)
    {
        var database = SqliteDatabase.Open(Directory.File("registry.db"), "document registry", SqliteDocumentRegistry.Schema);
        _databases.Add(database);
        return new SqliteDocumentRegistry(database, Time);
    }

    [Fact]
    public async Task Reopen_CommittedDocumentAndEmbeddings_Survive()
    {
        var registry = CreateRegistry();
        await Commit(registry, Version("doc-a", 1, "one") with
        {
            EmbeddingModel = "m:2",
            NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>> { [TextHash("one")] = new[] { 1f, 0f } },
        });
        _databases[0].Dispose();

        var reopened = CreateRegistry(reopen: true);

        Assert.Equal(1, (await reopened.GetAsync("doc-a"))!.Version);
        Assert.Single(await reopened.GetEmbeddingsAsync("m:2", [TextHash("one")]));
    }

    protected override void DisposeRegistry()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }
}
