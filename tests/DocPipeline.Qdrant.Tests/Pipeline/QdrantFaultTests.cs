using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Grpc.Core;

namespace DocPipeline.Qdrant.Tests.Pipeline;

/// <summary>
/// Qdrant down or slow at each write step of an update: the job fails with a cause naming Qdrant, the committed
/// version stays whole in the vector index, and the next run finishes the update.
/// </summary>
public sealed class QdrantFaultTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public static TheoryData<string, bool> Faults() => new()
    {
        { "Points/Upsert", false },
        { "Points/Upsert", true },
        { "Points/Delete", false },
        { "Points/Delete", true },
    };

    /// <param name="method">The write step that fails.</param>
    /// <param name="slow">True: the server holds the call past the deadline; false: it answers Unavailable.</param>
    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Update_QdrantDownOrSlowAtAWriteStep_FailsRetryablyKeepsTheServedVersionAndSucceedsWhenBack(string method, bool slow)
    {
        var path = _directory.Write("docs/doc.txt", QdrantRequestCountTests.Document(1, version: 0));
        await using var pipeline = await QdrantPipeline.CreateAsync(
            _directory,
            q =>
            {
                q.MaxRetries = 1;
                q.Timeout = TimeSpan.FromMilliseconds(500);
            },
            o => o.Queue.MaxAttempts = 1);
        Assert.Equal(1, (await pipeline.IngestAsync(_directory.File("docs"))).Added);
        File.WriteAllText(path, QdrantRequestCountTests.Document(1, version: 1));
        if (slow)
        {
            pipeline.Emulator.DelayNext(pipeline.Collection, method, TimeSpan.FromSeconds(30), times: 2);
        }
        else
        {
            pipeline.Emulator.FailNext(pipeline.Collection, method, StatusCode.Unavailable, times: 2);
        }

        var interrupted = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, interrupted.Failed);
        var error = Assert.Single(interrupted.Failures).Error;
        Assert.Contains("Qdrant at " + pipeline.Emulator.Endpoint, error, StringComparison.Ordinal);
        Assert.Contains(slow ? "did not answer within 0.5 s" : "the server is unavailable", error, StringComparison.Ordinal);
        await AssertServedVersionWholeAsync(pipeline);

        var resumed = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, resumed.Updated);
        await pipeline.AssertIndexesMatchRegistryAsync();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Every chunk of the registry's committed version is in the vector index and is found by a search.</summary>
    private static async Task AssertServedVersionWholeAsync(QdrantPipeline pipeline)
    {
        var registry = pipeline.Get<IDocumentRegistry>();
        var document = Assert.Single(await registry.ListAsync(new DocumentQuery()));
        var served = (await registry.GetChunksAsync(document.Id, document.Version)).Select(c => c.ChunkId).ToHashSet(StringComparer.Ordinal);
        var held = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in pipeline.Get<IVectorIndex>().ListEntriesAsync())
        {
            held.Add(entry.ChunkId);
        }

        Assert.NotEmpty(served);
        Assert.Subset(held, served);
        var hits = await pipeline.Pipeline.SearchAsync("river stone garden", new Search.SearchOptions { Mode = Search.SearchMode.Vector, TopK = 3 });
        Assert.Contains(hits, h => h.DocumentId == document.Id);
    }
}
