using System.Globalization;
using DocPipeline.Consistency;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// A document of many batches (issue 12, item 8): its chunks go through embedding, the registry and both indexes a
/// bounded batch at a time, it ends fully and consistently indexed, and a fault half-way through its publish leaves
/// the previous version serving until a retry completes.
/// </summary>
public sealed class LargeDocumentTests : IDisposable
{
    /// <summary>Small chunks, so a few hundred short paragraphs make more chunks than one batch holds.</summary>
    private const int TargetTokens = 16;

    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Ingest_MoreChunksThanOneBatch_EveryChunkInBothIndexesAndNoWriteHoldsMoreThanABatch()
    {
        var path = _directory.Write("docs/large.txt", Paragraphs("heron", DocumentWriter.BatchChunks * 3));
        var faults = new FaultInjector();
        await using var pipeline = Create(faults);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, result.Added);
        var documentId = DocumentIds.FromSource(path);
        var document = await pipeline.Get<IDocumentRegistry>().GetAsync(documentId);
        Assert.NotNull(document);
        Assert.True(document.ChunkCount > DocumentWriter.BatchChunks * 2, $"only {document.ChunkCount} chunks");
        await CrashSafeUpdateTests.AssertIndexesHoldExactlyTheCommittedVersionAsync(pipeline, documentId);
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.InRange(faults.LargestWrite, 1, DocumentWriter.BatchChunks);
        Assert.InRange(pipeline.Embedder.Texts, 1, document.ChunkCount);
    }

    /// <param name="point">Where the second batch of the publish fails.</param>
    [Theory]
    [InlineData(FaultPoint.BeforeVectorWrite)]
    [InlineData(FaultPoint.AfterKeywordWrite)]
    public async Task Update_FaultInTheMiddleOfAManyBatchPublish_PreviousVersionServesAndRetryCompletes(FaultPoint point)
    {
        var path = _directory.Write("docs/large.txt", Paragraphs("heron", DocumentWriter.BatchChunks * 3));
        var faults = new FaultInjector();
        await using var pipeline = Create(faults);
        await pipeline.IngestAsync(_directory.File("docs"));
        var documentId = DocumentIds.FromSource(path);
        File.WriteAllText(path, Paragraphs("egret", DocumentWriter.BatchChunks * 3));

        var checks = 0;
        faults.AtFault = async () =>
        {
            await AssertServedAsync(pipeline, documentId, "heron", version: 1);
            checks++;
        };
        faults.Arm(point, skip: 1);
        var interrupted = await pipeline.IngestAsync(_directory.File("docs"));
        faults.Disarm();

        Assert.Equal(1, checks);
        Assert.Equal(1, interrupted.Failed);
        await AssertServedAsync(pipeline, documentId, "heron", version: 1);
        var resumed = await pipeline.IngestAsync(_directory.File("docs"));
        Assert.Equal(1, resumed.Updated);
        await CrashSafeUpdateTests.AssertIndexesHoldExactlyTheCommittedVersionAsync(pipeline, documentId);
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Empty(await pipeline.Pipeline.SearchAsync("heron", new SearchOptions { Mode = SearchMode.Keyword }));
        Assert.Equal(documentId, (await pipeline.Pipeline.SearchAsync("egret", new SearchOptions { Mode = SearchMode.Keyword }))[0].DocumentId);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Numbered paragraphs about a bird, each a few words long: about one chunk each at <see cref="TargetTokens"/>.</summary>
    internal static string Paragraphs(string bird, int count) => string.Join(
        "\n\n",
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"The {bird} number {i} waded at dawn through reed bed {i % 97}.")));

    private static async Task AssertServedAsync(TestPipeline pipeline, string documentId, string word, int version)
    {
        Assert.Equal(version, (await pipeline.Get<IDocumentRegistry>().GetAsync(documentId))!.Version);
        var hits = await pipeline.Pipeline.SearchAsync(word, new SearchOptions { Mode = SearchMode.Keyword, TopK = 5 });
        Assert.Contains(hits, h => h.DocumentId == documentId && h.Text.Contains(word, StringComparison.Ordinal));
    }

    private TestPipeline Create(FaultInjector faults) => new(
        _directory,
        builder => CrashSafeUpdateTests.Inject(builder, faults),
        o =>
        {
            o.Queue.MaxAttempts = 1;
            o.Chunking.TargetTokens = TargetTokens;
            o.Chunking.MaxTokens = TargetTokens + 8;
            o.Chunking.OverlapTokens = 4;
        });
}
