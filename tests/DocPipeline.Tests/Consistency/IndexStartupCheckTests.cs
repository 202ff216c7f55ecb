using DocPipeline.Consistency;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Tests.Consistency;

/// <summary>The startup check of the embedded indexes (<c>DocPipeline:IndexManagement:RebuildOnCorruption</c>).</summary>
public sealed class IndexStartupCheckTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task FirstSearch_VectorCatalogMissingAndRebuildOff_FailsNamingTheIndexTheFileAndTheOption()
    {
        await IngestAndCloseAsync();
        File.Delete(_directory.File("data/vectors/vectors.db"));
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => pipeline.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions()));

        Assert.Contains("The vector index", error.Message, StringComparison.Ordinal);
        Assert.Contains(_directory.File("data/vectors/vectors.db"), error.Message, StringComparison.Ordinal);
        Assert.Contains("DocPipeline:IndexManagement:RebuildOnCorruption", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_directory.File("data/vectors/vectors.bin")));
    }

    [Fact]
    public async Task FirstUse_VectorCatalogMissingAndRebuildOn_RebuildsFromStoredEmbeddingsWithoutTheEmbedder()
    {
        var searches = await IngestAndCloseAsync();
        File.Delete(_directory.File("data/vectors/vectors.db"));
        await using var pipeline = new TestPipeline(_directory, options: o => o.IndexManagement.RebuildOnCorruption = true);

        await pipeline.Get<IndexStartupCheck>().EnsureAsync(ownInstances: false, CancellationToken.None);

        Assert.Equal(0, pipeline.Embedder.Calls);
        Assert.Single(Directory.GetFiles(_directory.File("data/vectors"), "vectors.bin.damaged-*"));
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline));
    }

    [Fact]
    public async Task HostStart_KeywordSegmentsDeletedAndRebuildOff_FailsWithTheMessage()
    {
        await IngestAndCloseAsync();
        DeleteSegmentFiles();
        using var host = BuildHost(rebuild: false, out _);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => host.StartAsync());

        Assert.Contains("The keyword index", error.Message, StringComparison.Ordinal);
        Assert.Contains(_directory.File("data/keyword"), error.Message, StringComparison.Ordinal);
        Assert.Contains("DocPipeline:IndexManagement:RebuildOnCorruption", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_KeywordSegmentsDeletedAndRebuildOn_StartsWithTheIndexRebuilt()
    {
        var searches = await IngestAndCloseAsync();
        DeleteSegmentFiles();
        using var host = BuildHost(rebuild: true, out var logs);

        await host.StartAsync();

        var maintenance = host.Services.GetRequiredService<IIndexMaintenance>();
        Assert.True((await maintenance.VerifyAsync()).IsConsistent);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(host.Services.GetRequiredService<IDocPipeline>()));
        Assert.Contains(logs.Entries, e => e.Event.Id == 5103 && e.Message.Contains("keyword", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnsureAsync_IndexesOpenInAnotherContainer_LeavesThemAlone(bool ownInstances)
    {
        await IngestAndCloseAsync();
        await using var owner = new TestPipeline(_directory);
        await owner.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions());
        await using var other = new TestPipeline(_directory, options: o => o.IndexManagement.RebuildOnCorruption = true);

        await other.Get<IndexStartupCheck>().EnsureAsync(ownInstances, CancellationToken.None);

        Assert.Empty(Directory.GetFiles(_directory.File("data/vectors"), "*.damaged-*"));
        Assert.Empty(Directory.GetDirectories(_directory.File("data"), "keyword.damaged-*"));
        Assert.NotEmpty(await owner.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions()));
    }

    [Fact]
    public async Task EnsureAsync_OwnInstancesOnHealthyIndexes_ReleasesTheirLocksForTheProcessThatWritesThem()
    {
        await IngestAndCloseAsync();
        await using var checker = new TestPipeline(_directory);
        await checker.Get<IndexStartupCheck>().EnsureAsync(ownInstances: true, CancellationToken.None);

        await using var writer = new TestPipeline(_directory);

        Assert.NotEmpty(await writer.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions()));
    }

    [Fact]
    public async Task EnsureAsync_ConsistencyChecksOn_VerifiesInTheBackgroundAndLogsTheResult()
    {
        await IngestAndCloseAsync();
        var logs = new CollectingLoggerProvider();
        await using var pipeline = new TestPipeline(
            _directory,
            b => b.Services.AddLogging(l => l.AddProvider(logs)),
            o => o.IndexManagement.ConsistencyChecks = true);
        var check = pipeline.Get<IndexStartupCheck>();

        await check.EnsureAsync(ownInstances: false, CancellationToken.None);

        // The verify runs on its own; its report (event 5100) is what the check promises.
        await logs.LoggedAsync(5100).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(logs.Entries, e => e.Event.Id == 5112);
    }

    private async Task<List<string>> IngestAndCloseAsync()
    {
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(ConsistencyCorpus.Copy(_directory));
        return await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline);
    }

    private IHost BuildHost(bool rebuild, out CollectingLoggerProvider logs)
    {
        var collected = new CollectingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(collected);
        builder.Services.AddDocPipeline(o =>
        {
            o.DataDirectory = _directory.File("data");
            o.IndexManagement.RebuildOnCorruption = rebuild;
        });
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new CountingEmbeddingGenerator());
        logs = collected;
        return builder.Build();
    }

    private void DeleteSegmentFiles()
    {
        foreach (var file in Directory.GetFiles(_directory.File("data/keyword"), "_*"))
        {
            File.Delete(file);
        }
    }
}
