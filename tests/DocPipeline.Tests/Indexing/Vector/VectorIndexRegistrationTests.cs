using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static DocPipeline.Specification.Tests.Indexing.VectorTestData;

namespace DocPipeline.Tests.Indexing.Vector;

public sealed class VectorIndexRegistrationTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task AddDocPipeline_Default_EmbeddedIndexInTheVectorsFolderOfTheDataDirectory()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.Path);
        await using var provider = services.BuildServiceProvider();

        var index = provider.GetRequiredService<IVectorIndex>();
        await index.UpsertAsync([Record("a", "d", [1f, 2f])]);

        Assert.Equal(Path.Combine(_directory.Path, "vectors"), Assert.IsType<EmbeddedVectorIndex>(index).DirectoryPath);
        Assert.True(File.Exists(_directory.File("vectors/vectors.bin")));
        Assert.Same(index, provider.GetRequiredService<IVectorIndex>());
    }

    [Fact]
    public async Task AddDocPipeline_PathFromConfiguration_IndexUsesIt()
    {
        var path = _directory.File("configured");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DocPipeline:VectorIndex:Path"] = path, ["DocPipeline:DataDirectory"] = _directory.Path })
            .Build());
        services.AddDocPipeline();
        await using var provider = services.BuildServiceProvider();

        var index = Assert.IsType<EmbeddedVectorIndex>(provider.GetRequiredService<IVectorIndex>());

        Assert.Equal(path, index.DirectoryPath);
    }

    [Fact]
    public async Task UseInMemoryVectorIndex_ReplacesTheEmbeddedIndexAndWritesNoFile()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.Path).UseInMemoryVectorIndex();
        await using var provider = services.BuildServiceProvider();

        var index = provider.GetRequiredService<IVectorIndex>();
        await index.UpsertAsync([Record("a", "d", [1f, 2f])]);

        Assert.IsType<InMemoryVectorIndex>(index);
        Assert.False(Directory.Exists(_directory.File("vectors")));
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IVectorIndex));
    }

    [Fact]
    public async Task UseEmbeddedVectorIndex_AfterAnotherUse_LastCallWinsWithItsOptions()
    {
        var path = _directory.File("chosen");
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.Path)
            .UseInMemoryVectorIndex()
            .UseEmbeddedVectorIndex(options => options.Path = path);
        services.AddDocPipeline();
        await using var provider = services.BuildServiceProvider();

        var index = Assert.IsType<EmbeddedVectorIndex>(provider.GetRequiredService<IVectorIndex>());

        Assert.Equal(path, index.DirectoryPath);
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IVectorIndex));
    }

    [Fact]
    public void UseVectorIndex_OwnImplementation_Resolved()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.Path).UseVectorIndex<InMemoryVectorIndex>();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryVectorIndex>(provider.GetRequiredService<IVectorIndex>());
    }

    [Theory]
    [InlineData("InitialCapacity", "0")]
    [InlineData("MaxSearchParallelism", "-1")]
    public void Options_OutOfRange_ValidationNamesTheKey(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"DocPipeline:VectorIndex:{key}"] = value, ["DocPipeline:DataDirectory"] = _directory.Path })
            .Build());
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DocPipelineOptions>>().Value);

        Assert.Contains($"DocPipeline:VectorIndex:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposingTheContainer_ReleasesTheFolderForTheNextOne()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.Path);
        using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<IVectorIndex>().UpsertAsync([Record("a", "d", [1f, 2f])]);
        }

        await using var next = services.BuildServiceProvider();

        Assert.Equal("a", (await next.GetRequiredService<IVectorIndex>().SearchAsync(new float[] { 1f, 2f }, 1)).Single().ChunkId);
    }

    public void Dispose() => _directory.Dispose();
}
