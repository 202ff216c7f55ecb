using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using DocPipeline.Specification.Tests;
using Qdrant.Client;

namespace DocPipeline.Qdrant.Tests.Pipeline;

/// <summary>Ingest, verify, repair, rebuild and backup with Qdrant as the vector index, on the emulator.</summary>
public sealed class QdrantMaintenanceTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestVerifyRebuild_CollectionLost_RebuildWritesItBackFromTheRegistry()
    {
        for (var d = 0; d < 6; d++)
        {
            _directory.Write($"docs/doc{d}.txt", QdrantRequestCountTests.Document(d, version: 0));
        }

        await using var pipeline = await QdrantPipeline.CreateAsync(_directory);
        Assert.Equal(6, (await pipeline.IngestAsync(_directory.File("docs"))).Added);
        var maintenance = pipeline.Get<IIndexMaintenance>();
        var verified = await maintenance.VerifyAsync(new VerifyOptions { Deep = true });
        Assert.True(verified.IsConsistent);
        Assert.True(verified.Stores["qdrant"].IsIntact);
        Assert.Equal(verified.RegistryChunks, verified.Indexes["vector"].Entries);

        using (var client = new QdrantClient(pipeline.Emulator.Endpoint))
        {
            await client.DeleteCollectionAsync(pipeline.Collection);
        }

        var broken = await maintenance.VerifyAsync();
        Assert.False(broken.IsConsistent);
        Assert.Equal(0, broken.Indexes["vector"].Entries);

        var rebuilt = await maintenance.RebuildAsync(RebuildTarget.Vector);

        Assert.Equal(verified.RegistryChunks, rebuilt.Indexes["vector"].Chunks);
        Assert.True(rebuilt.After.IsConsistent);
        await pipeline.AssertIndexesMatchRegistryAsync();
    }

    [Fact]
    public async Task Repair_ChunksMissingFromTheCollection_AreWrittenBack()
    {
        _directory.Write("docs/doc.txt", QdrantRequestCountTests.Document(3, version: 0));
        await using var pipeline = await QdrantPipeline.CreateAsync(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        var vector = pipeline.Get<IVectorIndex>();
        var some = new List<string>();
        await foreach (var entry in vector.ListEntriesAsync())
        {
            if (some.Count < 4)
            {
                some.Add(entry.ChunkId);
            }
        }

        await vector.DeleteChunksAsync(some);
        var maintenance = pipeline.Get<IIndexMaintenance>();
        Assert.False((await maintenance.VerifyAsync()).IsConsistent);

        var repaired = await maintenance.RepairAsync(new RepairOptions { AutoFix = true });

        Assert.True(repaired.Before.Indexes["vector"].Discrepancies.Missing > 0);

        Assert.True((await maintenance.VerifyAsync()).IsConsistent);
        await pipeline.AssertIndexesMatchRegistryAsync();
    }

    [Fact]
    public async Task Backup_QdrantPart_IsNotWrittenAndSaysHowToGetItBack()
    {
        await using var pipeline = await QdrantPipeline.CreateAsync(_directory);
        var part = Assert.Single(pipeline.Services<IStoreBackup>(), b => b.Name == "qdrant");

        var written = await part.BackupAsync(_directory.File("backup"));

        Assert.True(part.IsInUse);
        Assert.False(written.IsWritten);
        Assert.Contains("--rebuild-index vector", written.Reason, StringComparison.Ordinal);
        Assert.Contains(pipeline.Collection, written.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebuildRegistry_VectorIndexInQdrant_IsRefusedSayingWhy()
    {
        await using var pipeline = await QdrantPipeline.CreateAsync(_directory);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => pipeline.Get<IIndexMaintenance>().RebuildRegistryAsync());

        Assert.Contains("embedded vector index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_ServerUnreachable_IsUnavailableNamingTheEndpoint()
    {
        await using var pipeline = await QdrantPipeline.CreateAsync(_directory, q =>
        {
            q.Endpoint = new Uri("http://127.0.0.1:1");
            q.MaxRetries = 0;
            q.Timeout = TimeSpan.FromSeconds(5);
        });
        var health = Assert.Single(pipeline.Services<IStoreHealth>(), h => h.Name == "qdrant");

        var state = await health.CheckHealthAsync();

        Assert.Equal(StoreHealthState.Unavailable, state.State);
        Assert.Contains("Qdrant at http://127.0.0.1:1/", state.Reason, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
