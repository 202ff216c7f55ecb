using DocPipeline.Extraction;
using DocPipeline.Ingestion;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Ingestion;

/// <summary>End-to-end ingestion on the embedded defaults (real SQLite, Lucene and vector files) with the hashing embedder.</summary>
public sealed class IngestionEngineTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestAsync_NewFolder_AddsEveryDocumentIntoBothIndexes()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(3, result.Total);
        Assert.Equal(3, result.Added);
        Assert.Equal(0, result.Failed);
        Assert.True(result.ChunksEmbedded >= 3);
        var registry = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();
        var vectors = await pipeline.Get<IVectorIndex>().GetStatisticsAsync();
        var keywords = await pipeline.Get<IKeywordIndex>().GetStatisticsAsync();
        Assert.Equal(3, registry.Documents);
        Assert.Equal(registry.Chunks, vectors.Entries);
        Assert.Equal(registry.Chunks, keywords.Entries);
    }

    [Fact]
    public async Task SearchAsync_AfterIngest_KeywordAndHybridFindTheDocumentWithItsText()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));

        var keyword = await pipeline.Pipeline.SearchAsync("lighthouses", new SearchOptions { Mode = SearchMode.Keyword, TopK = 3 });
        var hybrid = await pipeline.Pipeline.SearchAsync("sourdough starter", new SearchOptions { TopK = 3 });

        var top = keyword[0];
        Assert.Equal(_directory.File("docs/lighthouse.txt"), top.Source);
        Assert.Contains("lighthouse", top.Text, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(top.KeywordScore);
        Assert.Equal(_directory.File("docs/bread.md"), hybrid[0].Source);
    }

    [Fact]
    public async Task IngestAsync_SecondRunOverUnchangedSources_EmbedsNothingAndSkipsAll()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        pipeline.Embedder.Reset();

        var second = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(3, second.Skipped);
        Assert.Equal(0, second.Added + second.Updated + second.Failed);
        Assert.Equal(0, second.ChunksEmbedded);
        Assert.Equal(0, pipeline.Embedder.Texts);
    }

    [Fact]
    public async Task IngestAsync_TouchedButUnchangedFile_RehashesAndEmbedsNothing()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        pipeline.Embedder.Reset();
        File.SetLastWriteTimeUtc(_directory.File("docs/bread.md"), DateTime.UtcNow.AddHours(-3));

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(3, result.Skipped);
        Assert.Equal(0, pipeline.Embedder.Texts);
        var fingerprint = await pipeline.Get<DocPipeline.Fingerprints.IFingerprintStore>().GetAsync(_directory.File("docs/bread.md"));
        Assert.Equal(new FileInfo(_directory.File("docs/bread.md")).LastWriteTimeUtc, fingerprint!.LastWriteTimeUtc.UtcDateTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task IngestAsync_OneFileEdited_UpdatesOnlyThatDocument()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        var before = await pipeline.Get<IDocumentRegistry>().GetAsync(DocumentIds.FromSource(_directory.File("docs/bread.md")));
        pipeline.Embedder.Reset();
        File.AppendAllText(_directory.File("docs/bread.md"), "\n\nA new paragraph about rye flour and a wetter dough.\n");

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, result.Updated);
        Assert.Equal(2, result.Skipped);
        var after = await pipeline.Get<IDocumentRegistry>().GetAsync(before!.Id);
        Assert.Equal(before.Version + 1, after!.Version);
        Assert.InRange(pipeline.Embedder.Texts, 1, 2);
        var hits = await pipeline.Pipeline.SearchAsync("rye flour", new SearchOptions { Mode = SearchMode.Keyword });
        Assert.Equal(before.Id, hits[0].DocumentId);
    }

    [Fact]
    public async Task IngestAsync_BadInputs_FailOnlyTheirOwnSourcesWithAReasonAndTheBatchCompletes()
    {
        WriteCorpus();
        _directory.Write("bad/empty.txt", string.Empty);
        File.WriteAllBytes(_directory.File("bad/corrupt.pdf"), "%PDF-1.7\nthis is not really a pdf"u8.ToArray());
        File.Copy(RepositoryPaths.Fixture("encrypted-user-password.pdf"), _directory.File("bad/encrypted.pdf"));
        File.WriteAllBytes(_directory.File("bad/binary.txt"), [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00, 0x3E, 0x00]);
        File.WriteAllBytes(_directory.File("bad/latin1.txt"), [0x63, 0x61, 0x66, 0xE9, 0x20, 0x61, 0x75, 0x20, 0x6C, 0x61, 0x69, 0x74]);
        _directory.Write("bad/long-line.txt", string.Concat(Enumerable.Repeat("word ", 400_000)));
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(
            _directory.File("docs"),
            _directory.File("bad"),
            _directory.Path + "/nowhere/**/*.md",
            _directory.File("missing.txt"));

        Assert.Equal(4, result.Added);
        Assert.Equal(7, result.Failed);
        string Reason(string name) => Assert.Single(result.Failures, f => f.Source.EndsWith(name, StringComparison.Ordinal)).Error;
        Assert.Contains("empty", Reason("empty.txt"), StringComparison.Ordinal);
        Assert.Contains("not a valid PDF", Reason("corrupt.pdf"), StringComparison.Ordinal);
        Assert.Contains("encrypted", Reason("encrypted.pdf"), StringComparison.Ordinal);
        Assert.Contains("binary", Reason("binary.txt"), StringComparison.Ordinal);
        Assert.Contains("not valid UTF-8", Reason("latin1.txt"), StringComparison.Ordinal);
        Assert.Contains("does not exist", Reason("/nowhere/**/*.md"), StringComparison.Ordinal);
        Assert.Contains("does not exist", Reason("missing.txt"), StringComparison.Ordinal);
        var longLine = await pipeline.Get<IDocumentRegistry>().GetAsync(DocumentIds.FromSource(_directory.File("bad/long-line.txt")));
        Assert.True(longLine!.ChunkCount > 100);
    }

    [Fact]
    public async Task IngestAsync_GlobMatchingNothing_ReportedAsAFailureOfThatSource()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs") + "/*.pdf", _directory.File("docs") + "/*.md");

        Assert.Equal(1, result.Added);
        Assert.Contains("matched no files", Assert.Single(result.Failures).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_FileDeletedBetweenDiscoveryAndProcessing_FailsWithAClearReason()
    {
        WriteCorpus();
        var doomed = _directory.Write("late/doomed.txt", "this file disappears before its job runs");
        var trigger = _directory.Write("early/trigger.gate", "deletes the other file when extracted");
        await using var pipeline = new TestPipeline(
            _directory,
            builder => builder.AddExtractor(new DeletingExtractor(doomed)),
            options => options.Queue.MaxConcurrent = 1);

        var result = await pipeline.Pipeline.IngestAsync([trigger, doomed], new IngestOptions { MaxConcurrent = 1 });

        Assert.Equal(1, result.Added);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(doomed, failure.Source);
        Assert.Contains("deleted or moved", failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_UnsupportedType_SkippedWithTheReason()
    {
        _directory.Write("docs/photo.xyz", "not a document");
        _directory.Write("docs/note.txt", "a note");
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, result.Added);
        Assert.Equal(1, result.Skipped);
        Assert.Contains("'.xyz'", Assert.Single(result.SkipReasons).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_AnotherEmbedderThanTheDataWasBuiltWith_IsRefused()
    {
        WriteCorpus();
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(_directory.File("docs"));
        }

        await using var second = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(dimensions: 64));

        var error = await Assert.ThrowsAsync<DocPipeline.Embeddings.EmbedderMismatchException>(
            () => second.Pipeline.SearchAsync("bread", new SearchOptions()));
        Assert.Contains("docpipeline-hashing-v1:384", error.Message, StringComparison.Ordinal);
        Assert.Contains("docpipeline-hashing-v1:64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_AnotherEmbedderThanTheDataWasBuiltWith_RefusedBeforeAnyJobIsQueued()
    {
        WriteCorpus();
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(_directory.File("docs/bread.md"));
        }

        await using var second = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(dimensions: 64));

        await Assert.ThrowsAsync<DocPipeline.Embeddings.EmbedderMismatchException>(() => second.IngestAsync(_directory.File("docs")));
        await Assert.ThrowsAsync<DocPipeline.Embeddings.EmbedderMismatchException>(() => second.Pipeline.ResumeAsync(new IngestOptions()));
        var jobs = await second.Pipeline.GetQueueStatusAsync();
        Assert.Equal((1, 0, 0), (jobs.Completed, jobs.Failed, jobs.Active));
        Assert.Equal(0, second.Embedder.Calls);
    }

    [Fact]
    public async Task IngestAsync_UpdateModes_DecideWhatHappensToNewAndExistingSources()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs/bread.md"));
        File.AppendAllText(_directory.File("docs/bread.md"), "\n\nChanged.\n");

        var addOnly = await pipeline.IngestAsync(new IngestOptions { UpdateMode = UpdateMode.AddOnly }, _directory.File("docs"));
        File.AppendAllText(_directory.File("docs/lighthouse.txt"), "\n\nChanged too.\n");
        var updateOnly = await pipeline.IngestAsync(new IngestOptions { UpdateMode = UpdateMode.UpdateOnly }, _directory.File("docs"), _directory.Write("more/new.txt", "brand new"));
        var skipExisting = await pipeline.IngestAsync(new IngestOptions { UpdateMode = UpdateMode.SkipExisting }, _directory.File("docs"), _directory.File("more"));

        Assert.Equal((2, 0, 1), (addOnly.Added, addOnly.Updated, addOnly.Skipped));
        Assert.Equal((0, 2, 2), (updateOnly.Added, updateOnly.Updated, updateOnly.Skipped));
        Assert.Equal((1, 0, 3), (skipExisting.Added, skipExisting.Updated, skipExisting.Skipped));
    }

    [Fact]
    public async Task IngestAsync_ForceReprocess_RewritesWithoutReembedding()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        pipeline.Embedder.Reset();

        var forced = await pipeline.IngestAsync(new IngestOptions { ForceReprocess = true }, _directory.File("docs"));

        Assert.Equal(3, forced.Updated);
        Assert.Equal(0, pipeline.Embedder.Texts);
        Assert.True(forced.ChunksReused >= 3);
    }

    [Fact]
    public async Task IngestAsync_MetadataChangedOnly_RewritesBothIndexesWithoutEmbedding()
    {
        WriteCorpus();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(new IngestOptions { Metadata = new Dictionary<string, string> { ["team"] = "red" } }, _directory.File("docs"));
        var id = DocumentIds.FromSource(_directory.File("docs/bread.md"));
        var before = await pipeline.Get<IDocumentRegistry>().GetAsync(id);
        pipeline.Embedder.Reset();

        var result = await pipeline.IngestAsync(new IngestOptions { Metadata = new Dictionary<string, string> { ["team"] = "blue" } }, _directory.File("docs"));

        Assert.Equal(3, result.Updated);
        Assert.Equal(0, pipeline.Embedder.Texts);
        var after = await pipeline.Get<IDocumentRegistry>().GetAsync(id);
        Assert.Equal("blue", after!.Metadata["team"]);
        var chunks = await pipeline.Get<IDocumentRegistry>().GetChunksAsync(id, after.Version);
        Assert.All(chunks, c => Assert.Equal(("blue", after.Version), (c.Metadata["team"], c.Revision)));
        Assert.True(after.Version > before!.Version);
        await CrashSafeUpdateTests.AssertIndexesHoldExactlyTheCommittedVersionAsync(pipeline, id);
    }

    [Fact]
    public async Task IngestAsync_NoEmbedderRegistered_SaysHowToRegisterOne()
    {
        WriteCorpus();
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.File("data"));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDocPipeline>());

        Assert.Contains("UseMiniLmEmbeddings", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private void WriteCorpus()
    {
        _directory.Write("docs/lighthouse.txt", "Lighthouse keepers trimmed the wick every night.\n\nThe Fresnel lens bent the light into a beam that ships could see for miles.");
        _directory.Write("docs/bread.md", "# Sourdough\n\nA sourdough starter is flour and water, fermented by wild yeast.\n\nFeed the starter daily and the bread will rise.");
        _directory.Write("docs/sub/bees.html", "<html><head><title>Bees</title></head><body><p>Honeybees turn nectar into honey by evaporation.</p><script>var hidden = 1;</script></body></html>");
    }

    /// <summary>An extractor for '.gate' files that deletes another file when it runs, to stage the race deterministically.</summary>
    private sealed class DeletingExtractor(string victim) : IDocumentExtractor
    {
        public IReadOnlyCollection<string> MediaTypes => ["application/x-gate"];

        public IReadOnlyCollection<string> FileExtensions => [".gate"];

        public Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default)
        {
            File.Delete(victim);
            return Task.FromResult(new ExtractedDocument { Sections = [new ExtractedSection("gate text", null)] });
        }
    }
}
