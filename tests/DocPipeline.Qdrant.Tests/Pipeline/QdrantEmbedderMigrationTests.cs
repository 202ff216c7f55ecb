using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Migration;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Qdrant.Tests.Pipeline;

/// <summary>
/// The embedder migration with the vector index in Qdrant (the emulator): the new model's vectors go to a second
/// collection, the switch moves the <c>-serving</c> alias, the rollback moves it back, the cleanup deletes a collection.
/// </summary>
public sealed class QdrantEmbedderMigrationTests : IDisposable
{
    private const int TargetDimensions = 96;
    private readonly TestDirectory _directory = new();
    private readonly string _collection = QdrantTestServer.NewCollection();

    [Fact]
    public async Task MigrateRollbackCleanup_OnQdrant_SecondCollectionAndAliasFollowTheServingEmbedder()
    {
        var emulator = await QdrantTestServer.EmulatorAsync();
        for (var i = 0; i < 6; i++)
        {
            _directory.Write($"docs/doc{i}.txt", QdrantRequestCountTests.Document(i, version: 0));
        }

        string generation;
        await using (var source = Build(dimensions: null))
        {
            Assert.Equal(6, (await source.GetRequiredService<IDocPipeline>().IngestAsync([_directory.File("docs")], new IngestOptions())).Added);
            var switched = await source.GetRequiredService<IEmbedderMigration>().MigrateAsync(Generator(TargetDimensions), progress: null);
            Assert.Equal(EmbedderMigrationState.Switched, switched.State);
            generation = switched.TargetGeneration!;
        }

        Assert.True(emulator.Collections.Exists(_collection));
        Assert.True(emulator.Collections.Exists($"{_collection}-{generation}"));
        Assert.Contains(emulator.Collections.ListAliases(), a => a.AliasName == _collection + "-serving" && a.CollectionName == $"{_collection}-{generation}");

        await using (var migrated = Build(TargetDimensions))
        {
            Assert.Equal(generation, ((IVectorIndexGenerations)migrated.GetRequiredService<IVectorIndex>()).Generation);
            Assert.True((await migrated.GetRequiredService<IIndexMaintenance>().VerifyAsync()).IsConsistent);
            Assert.NotEmpty(await migrated.GetRequiredService<IDocPipeline>().SearchAsync("document", new SearchOptions { Mode = SearchMode.Vector }));
        }

        await using var back = Build(dimensions: null);
        var rolledBack = await back.GetRequiredService<IEmbedderMigration>().RollbackAsync(Generator(dimensions: null));
        Assert.Equal(EmbedderMigrationState.RolledBack, rolledBack.State);
        Assert.Contains(emulator.Collections.ListAliases(), a => a.AliasName == _collection + "-serving" && a.CollectionName == _collection);
        Assert.True((await back.GetRequiredService<IIndexMaintenance>().VerifyAsync()).IsConsistent);

        var cleaned = await back.GetRequiredService<IEmbedderMigration>().CleanupAsync();
        Assert.False(cleaned.OtherGenerationKept);
        Assert.False(emulator.Collections.Exists($"{_collection}-{generation}"));
        Assert.True(emulator.Collections.Exists(_collection));
    }

    public void Dispose() => _directory.Dispose();

    private static IEmbeddingGenerator<string, Embedding<float>> Generator(int? dimensions)
    {
        var services = new ServiceCollection();
        var builder = services.AddDocPipeline();
        _ = dimensions is { } d ? builder.UseHashingEmbeddings(d) : builder.UseHashingEmbeddings();
        return services.BuildServiceProvider().GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
    }

    private ServiceProvider Build(int? dimensions)
    {
        var emulator = QdrantTestServer.EmulatorAsync().GetAwaiter().GetResult();
        var services = new ServiceCollection();
        var builder = services.AddDocPipeline(o => o.DataDirectory = _directory.File("data"));
        _ = dimensions is { } d ? builder.UseHashingEmbeddings(d) : builder.UseHashingEmbeddings();
        builder.UseQdrant(o =>
        {
            o.Endpoint = emulator.Endpoint;
            o.CollectionName = _collection;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        return services.BuildServiceProvider();
    }
}
