using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// A fault at every step of an update (issue 4): the document stays findable the whole time (old or new version, never
/// neither), and once the work resumes both indexes hold exactly the new version.
/// </summary>
public sealed class CrashSafeUpdateTests : IDisposable
{
    private const string Kept = "The zebra paragraph never changes between versions and stays searchable.";
    private const string OldOnly = "The wombat paragraph is only in the first version of the document.";
    private const string NewOnly = "The quokka paragraph replaces it in the second version.";
    private readonly TestDirectory _directory = new();

    public static TheoryData<FaultPoint, int> Faults()
    {
        var data = new TheoryData<FaultPoint, int>();
        foreach (var point in Enum.GetValues<FaultPoint>().Where(p => p != FaultPoint.None))
        {
            data.Add(point, 1);
            data.Add(point, 2);
        }

        return data;
    }

    /// <param name="point">Where the update fails.</param>
    /// <param name="attempts">1: the job fails and a new run resumes the work; 2: the queue retries the same job (from its checkpoint).</param>
    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Update_FaultAtAnyStep_DocumentAlwaysFoundAndIndexesEndWithExactlyTheNewVersion(FaultPoint point, int attempts)
    {
        var path = _directory.Write("docs/animals.txt", string.Join("\n\n", Kept, OldOnly));
        var faults = new FaultInjector();
        await using var pipeline = new TestPipeline(_directory, builder => Inject(builder, faults), o =>
        {
            o.Queue.MaxAttempts = attempts;

            // The embedder's fault must reach the job: no retry inside the embedding call.
            o.Embedding.MaxRetries = 0;
        });
        await pipeline.IngestAsync(_directory.File("docs"));
        var documentId = DocumentIds.FromSource(path);
        File.WriteAllText(path, string.Join("\n\n", Kept, NewOnly));

        var checks = 0;
        faults.AtFault = async () =>
        {
            await AssertFoundAsync(pipeline, documentId);
            checks++;
        };
        if (point == FaultPoint.Embedder)
        {
            pipeline.Embedder.FailWith = new HttpRequestException("Injected: the embedding service is down.");
            pipeline.Embedder.FailCalls = 1;
        }
        else
        {
            faults.Arm(point);
        }

        var interrupted = await pipeline.IngestAsync(_directory.File("docs"));
        pipeline.Embedder.FailWith = null;
        faults.Disarm();

        Assert.True(point == FaultPoint.Embedder || checks == 1, $"the fault at {point} did not fire");
        await AssertFoundAsync(pipeline, documentId);
        if (attempts == 1)
        {
            Assert.Equal(1, interrupted.Failed);
            var resumed = await pipeline.IngestAsync(_directory.File("docs"));
            Assert.Equal(1, resumed.Updated);
        }
        else
        {
            Assert.Equal(1, interrupted.Updated);
        }

        await AssertIndexesHoldExactlyTheCommittedVersionAsync(pipeline, documentId);
        Assert.Empty(await pipeline.Pipeline.SearchAsync("wombat", new SearchOptions { Mode = SearchMode.Keyword }));
        Assert.Equal(documentId, (await pipeline.Pipeline.SearchAsync("quokka", new SearchOptions { Mode = SearchMode.Keyword }))[0].DocumentId);
    }

    public void Dispose() => _directory.Dispose();

    internal static void Inject(IDocPipelineBuilder builder, FaultInjector faults)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton<IVectorIndex>(sp => new FaultyVectorIndex(ActivatorUtilities.CreateInstance<EmbeddedVectorIndex>(sp), faults)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IKeywordIndex>(sp => new FaultyKeywordIndex(LuceneKeywordIndex.CreateOnDisk(sp), faults)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IDocumentRegistry>(sp => new FaultyRegistry(sp.GetRequiredService<SqliteDocumentRegistry>(), faults)));
    }

    /// <summary>The document is found by a word both versions share, in each index (with the old or the new version's text).</summary>
    private static async Task AssertFoundAsync(TestPipeline pipeline, string documentId)
    {
        foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Vector })
        {
            var hits = await pipeline.Pipeline.SearchAsync("zebra paragraph never changes", new SearchOptions { Mode = mode, TopK = 5 });
            Assert.Contains(hits, h => h.DocumentId == documentId && h.Text.Contains("zebra", StringComparison.Ordinal));
        }
    }

    internal static async Task AssertIndexesHoldExactlyTheCommittedVersionAsync(TestPipeline pipeline, string documentId)
    {
        var registry = pipeline.Get<IDocumentRegistry>();
        var document = await registry.GetAsync(documentId);
        Assert.NotNull(document);
        Assert.Null(document.PendingVersion);
        Assert.Equal(DocumentStatus.Indexed, document.Status);
        var expected = (await registry.GetChunksAsync(documentId, document.Version))
            .Select(c => new IndexEntry(c.ChunkId, documentId, c.Revision))
            .OrderBy(e => e.ChunkId, StringComparer.Ordinal)
            .ToList();
        foreach (ISearchIndex index in new ISearchIndex[] { pipeline.Get<IVectorIndex>(), pipeline.Get<IKeywordIndex>() })
        {
            var actual = new List<IndexEntry>();
            await foreach (var entry in index.ListEntriesAsync())
            {
                if (entry.DocumentId == documentId)
                {
                    actual.Add(entry);
                }
            }

            Assert.Equal(expected, actual.OrderBy(e => e.ChunkId, StringComparer.Ordinal));
        }
    }
}
