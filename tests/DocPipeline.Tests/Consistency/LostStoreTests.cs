using DocPipeline.Consistency;
using DocPipeline.Embeddings;
using DocPipeline.Ingestion;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Consistency;

/// <summary>
/// No store starts empty while the others hold data: an emptied registry is refused, a fingerprint is not trusted for a
/// document the registry lacks, repair does not empty an index, and the registry is rebuilt from the indexes.
/// </summary>
public sealed class LostStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task IngestAsync_FingerprintUnchangedButDocumentNotInRegistry_IndexesItAgain()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        await pipeline.Get<IDocumentRegistry>().RemoveAsync(DocumentIds.FromSource(_directory.File("docs/bread.md")));

        var again = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, again.Added);
        Assert.Equal(2, again.Skipped);
        Assert.Equal(3, (await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync()).Documents);
    }

    [Fact]
    public async Task SearchAsync_RegistryEmptiedBesideIndexesThatHoldData_RefusedWithTheWayBack()
    {
        WriteCorpus();
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(_directory.File("docs"));
            await EmptyRegistryAsync(first);
        }

        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => pipeline.Pipeline.SearchAsync("sourdough", new DocPipeline.Search.SearchOptions()));
        Assert.Contains("is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("--rebuild-registry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepairAsync_RegistryHoldsNoDocuments_RefusesAndKeepsEveryEntry()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        var entries = (await pipeline.Get<IVectorIndex>().GetStatisticsAsync()).Entries;
        await EmptyRegistryAsync(pipeline);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true }));

        Assert.Contains("--allow-delete-all", error.Message, StringComparison.Ordinal);
        Assert.Contains("--rebuild-registry", error.Message, StringComparison.Ordinal);
        Assert.Equal(entries, (await pipeline.Get<IVectorIndex>().GetStatisticsAsync()).Entries);
        Assert.Equal(entries, (await pipeline.Get<IKeywordIndex>().GetStatisticsAsync()).Entries);
    }

    [Fact]
    public async Task RepairAsync_AllowDeleteAll_DeletesTheOrphans()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        await EmptyRegistryAsync(pipeline);

        var repair = await pipeline.Get<IIndexMaintenance>().RepairAsync(new RepairOptions { AutoFix = true, AllowDeleteAll = true });

        Assert.True(repair.After!.IsConsistent);
        Assert.Equal(0, (await pipeline.Get<IVectorIndex>().GetStatisticsAsync()).Entries);
    }

    [Fact]
    public async Task RebuildRegistryAsync_RegistryDeleted_RecoversEveryDocumentAndTheEmbeddingCache()
    {
        WriteCorpus();
        RegistryStatistics before;
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(_directory.File("docs"));
            before = await first.Get<IDocumentRegistry>().GetStatisticsAsync();
        }

        DeleteRegistry();
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.Get<IIndexMaintenance>().RebuildRegistryAsync();
        var again = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(before.Documents, result.Documents);
        Assert.Equal(before.Chunks, result.Chunks);
        Assert.Equal(before.Embeddings, result.Embeddings);
        Assert.Equal(0, result.NotRecoveredCount);
        Assert.Null(result.MovedAside);
        Assert.True(result.After.IsConsistent);
        Assert.Equal(3, again.Skipped);
        Assert.Equal(0, again.ChunksEmbedded);
        Assert.Equal(1, pipeline.Embedder.Texts); // the one chunk embedded again to confirm the embedder
    }

    [Fact]
    public async Task RebuildRegistryAsync_AfterARebuildInterruptedMidway_TheHalfFileNeverServesAndIsReplaced()
    {
        WriteCorpus();
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(_directory.File("docs"));
        }

        DeleteRegistry();
        File.WriteAllBytes(_directory.File("data/registry.db.rebuild-20260101T000000000Z"), new byte[4096]);
        await using (var refused = new TestPipeline(_directory))
        {
            await Assert.ThrowsAsync<DocPipelineStorageException>(() => refused.Pipeline.SearchAsync("sourdough", new DocPipeline.Search.SearchOptions()));
        }

        await using var pipeline = new TestPipeline(_directory);
        var result = await pipeline.Get<IIndexMaintenance>().RebuildRegistryAsync();

        Assert.Equal(3, result.Documents);
        Assert.Equal([_directory.File("data/registry.db")], Directory.GetFiles(_directory.File("data"), "registry.db*").Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RebuildRegistryAsync_AnotherEmbedderOfTheSameModelKey_RefusedAndTheRegistryStaysMissing()
    {
        WriteCorpus();
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(_directory.File("docs"));
        }

        DeleteRegistry();
        await using var pipeline = new TestPipeline(_directory, builder => builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new ReversedEmbeddingGenerator()));

        await Assert.ThrowsAsync<EmbedderMismatchException>(() => pipeline.Get<IIndexMaintenance>().RebuildRegistryAsync());

        Assert.Empty(Directory.GetFiles(_directory.File("data"), "registry.db*"));
    }

    [Fact]
    public async Task FirstUse_KeywordFolderMissingAndRebuildOnCorruption_RebuildsItFromTheRegistry()
    {
        List<string> searches;
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(ConsistencyCorpus.Copy(_directory));
            searches = await ConsistencyCorpus.SearchAllAsync(first.Pipeline);
        }

        Directory.Delete(_directory.File("data/keyword"), recursive: true);
        await using var pipeline = new TestPipeline(_directory, options: o => o.IndexManagement.RebuildOnCorruption = true);

        await pipeline.Get<IndexStartupCheck>().EnsureAsync(ownInstances: false, CancellationToken.None);

        Assert.Equal(0, pipeline.Embedder.Calls);
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline));
    }

    private static async Task EmptyRegistryAsync(TestPipeline pipeline)
    {
        var registry = pipeline.Get<IDocumentRegistry>();
        foreach (var document in await registry.ListAsync(new DocumentQuery { Limit = 100 }))
        {
            await registry.RemoveAsync(document.Id);
        }
    }

    private void DeleteRegistry()
    {
        foreach (var file in Directory.GetFiles(_directory.File("data"), "registry.db*"))
        {
            File.Delete(file);
        }
    }

    private void WriteCorpus()
    {
        _directory.Write("docs/lighthouse.txt", "Lighthouse keepers trimmed the wick every night.\n\nThe Fresnel lens bent the light into a beam that ships could see for miles.");
        _directory.Write("docs/bread.md", "# Sourdough\n\nA sourdough starter is flour and water, fermented by wild yeast.\n\nFeed the starter daily and the bread will rise.");
        _directory.Write("docs/sub/bees.html", "<html><head><title>Bees</title></head><body><p>Honeybees turn nectar into honey by evaporation.</p></body></html>");
    }

    /// <summary>The hashing embedder's model id and dimensions, with other vectors: a different model under the same name.</summary>
    private sealed class ReversedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly HashingEmbeddingGenerator _inner = new(HashingEmbeddingGenerator.DefaultDimensions);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var generated = await _inner.GenerateAsync(values, options, cancellationToken);
            return new GeneratedEmbeddings<Embedding<float>>(generated.Select(e => new Embedding<float>(e.Vector.ToArray().Reverse().ToArray())));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

        public void Dispose() => _inner.Dispose();
    }
}
