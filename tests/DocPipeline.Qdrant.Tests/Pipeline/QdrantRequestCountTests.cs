using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Qdrant.Tests.Pipeline;

/// <summary>No N+1: the gRPC requests the pipeline sends to Qdrant, counted by the emulator.</summary>
public sealed class QdrantRequestCountTests : IDisposable
{
    private const int Documents = 100;
    private const int ChunksPerDocument = 10;
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Ingest_100DocumentsOf10Chunks_AtMostOneUpsertPerDocumentAndNoLookups()
    {
        for (var d = 0; d < Documents; d++)
        {
            _directory.Write($"docs/doc{d:D3}.txt", Document(d, version: 0));
        }

        await using var pipeline = await QdrantPipeline.CreateAsync(_directory, options: o =>
        {
            o.Chunking.TargetTokens = 40;
            o.Chunking.MaxTokens = 48;
            o.Chunking.OverlapTokens = 0;
        });
        pipeline.Emulator.ResetCalls(pipeline.Collection);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(Documents, result.Added);
        var statistics = await pipeline.Get<IVectorIndex>().GetStatisticsAsync();
        Assert.Equal(Documents * ChunksPerDocument, statistics.Entries);
        var calls = Calls(pipeline);
        Assert.True(pipeline.Emulator.Calls(pipeline.Collection, "Points/Upsert") <= Documents, calls);
        Assert.Equal(0, pipeline.Emulator.Calls(pipeline.Collection, "Points/Scroll"));
        Assert.Equal(0, pipeline.Emulator.Calls(pipeline.Collection, "Points/Query"));
        // Per process, not per document: the startup health check, then the first write's look and its re-read after creating.
        Assert.True(pipeline.Emulator.Calls(pipeline.Collection, "Collections/Get") <= 3, calls);
        Assert.True(pipeline.Emulator.Calls(pipeline.Collection, "Points/Delete") <= Documents, calls);

        File.Delete(_directory.File("docs/doc007.txt"));
        pipeline.Emulator.ResetCalls(pipeline.Collection);
        var removed = await pipeline.Pipeline.IngestAsync([_directory.File("docs")], new IngestOptions { Cleanup = CleanupMode.Scoped });

        Assert.Equal(1, removed.Removed);
        Assert.Equal(1, pipeline.Emulator.Calls(pipeline.Collection, "Points/Delete"));
        Assert.Equal(0, pipeline.Emulator.Calls(pipeline.Collection, "Points/Upsert"));
        Assert.Equal(0, pipeline.Emulator.Calls(pipeline.Collection, "Points/Scroll"));
        Assert.Equal((Documents - 1) * ChunksPerDocument, (await pipeline.Get<IVectorIndex>().GetStatisticsAsync()).Entries);
        await pipeline.AssertIndexesMatchRegistryAsync();
    }

    public void Dispose() => _directory.Dispose();

    private static readonly string[] Words =
    [
        "river", "stone", "garden", "window", "summer", "letter", "market", "forest", "silver", "harbor",
        "winter", "candle", "bridge", "meadow", "copper", "island", "pepper", "valley", "orange", "ladder",
        "thunder", "pillow", "basket", "engine", "planet", "rabbit", "castle", "anchor", "violin", "lantern",
        "marble", "desert", "feather", "hammer", "jacket", "kettle", "lemon", "mirror", "needle", "oyster",
        "parrot", "quilt", "saddle", "tunnel", "velvet", "walnut", "yellow", "zipper", "cotton", "bottle",
    ];

    /// <summary>Ten paragraphs of 30 one-token words, each one chunk at 40 target tokens.</summary>
    internal static string Document(int document, int version) =>
        string.Join("\n\n", Enumerable.Range(0, ChunksPerDocument).Select(p =>
            string.Join(' ', Enumerable.Range(0, 30).Select(w => Words[((document * 7) + (p * 13) + (w * 3) + version) % Words.Length])) + "."));

    private static string Calls(QdrantPipeline pipeline) =>
        string.Join(", ", pipeline.Emulator.AllCalls(pipeline.Collection).Select(c => $"{c.Key}={c.Value}"));
}
