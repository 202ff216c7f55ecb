using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Tests.Indexing.Keyword;

public sealed class KeywordIndexRegistrationTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AddDocPipeline_Default_LuceneIndexOnDiskUnderTheDataDirectory()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path);
        await using var provider = services.BuildServiceProvider();

        var index = Assert.IsType<LuceneKeywordIndex>(provider.GetRequiredService<IKeywordIndex>());
        await index.UpsertAsync([new KeywordRecord { ChunkId = "c1", DocumentId = "d1", Text = "on disk" }]);

        Assert.False(index.IsInMemory);
        Assert.Equal(Path.Combine(_directory.Path, "keyword"), index.Location);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_directory.Path, "keyword"), "segments_*"));
        Assert.Same(index, provider.GetRequiredService<IKeywordIndex>());
    }

    [Fact]
    public async Task AddDocPipeline_PathAndTuningFromConfiguration_Used()
    {
        var folder = _directory.File("elsewhere/kw");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DocPipeline:DataDirectory"] = _directory.File("data"),
                ["DocPipeline:KeywordIndex:Path"] = folder,
                ["DocPipeline:KeywordIndex:RefreshInterval"] = "00:00:05",
                ["DocPipeline:KeywordIndex:RamBufferSizeMB"] = "32",
            })
            .Build());
        services.AddDocPipeline();
        await using var provider = services.BuildServiceProvider();

        var index = Assert.IsType<LuceneKeywordIndex>(provider.GetRequiredService<IKeywordIndex>());
        var options = provider.GetRequiredService<IOptions<DocPipeline.Configuration.DocPipelineOptions>>().Value.KeywordIndex;

        Assert.Equal(folder, index.Location);
        Assert.Equal((TimeSpan.FromSeconds(5), 32.0), (options.RefreshInterval, options.RamBufferSizeMB));
    }

    [Fact]
    public async Task UseInMemoryKeywordIndex_ReplacesTheDefault_AndWritesNothingToDisk()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryKeywordIndex();
        services.AddDocPipeline();
        await using var provider = services.BuildServiceProvider();

        var index = Assert.IsType<LuceneKeywordIndex>(provider.GetRequiredService<IKeywordIndex>());
        await index.UpsertAsync([new KeywordRecord { ChunkId = "c1", DocumentId = "d1", Text = "in memory" }]);

        Assert.True(index.IsInMemory);
        Assert.Single(await index.SearchAsync("memory", 10));
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "keyword")));
        Assert.Single(services, d => d.ServiceType == typeof(IKeywordIndex));
    }

    [Fact]
    public async Task UseKeywordIndex_CustomType_LastCallWins()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path)
            .UseInMemoryKeywordIndex()
            .UseKeywordIndex<NullKeywordIndex>();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<NullKeywordIndex>(provider.GetRequiredService<IKeywordIndex>());
        Assert.Single(services, d => d.ServiceType == typeof(IKeywordIndex));
    }

    [Theory]
    [InlineData("DocPipeline:KeywordIndex:RefreshInterval", "00:00:00.001")]
    [InlineData("DocPipeline:KeywordIndex:RamBufferSizeMB", "0")]
    public async Task Resolve_KeywordOptionOutOfRange_ErrorNamesTheKey(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })
            .Build());
        services.AddDocPipeline();
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IKeywordIndex>());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseInMemoryKeywordIndex_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => KeywordIndexBuilderExtensions.UseInMemoryKeywordIndex(null!));
        Assert.Throws<ArgumentNullException>(() => KeywordIndexBuilderExtensions.UseKeywordIndex<NullKeywordIndex>(null!));
    }
}
