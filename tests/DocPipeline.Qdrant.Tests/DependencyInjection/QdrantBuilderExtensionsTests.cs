using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using DocPipeline.Qdrant.Indexing;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Qdrant.Tests.DependencyInjection;

public sealed class QdrantBuilderExtensionsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task UseQdrant_CalledTwice_ReplacesTheVectorSlotAndRegistersItsPartsOnce()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings().UseQdrant().UseQdrant(o => o.CollectionName = "second");
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<QdrantVectorIndex>(provider.GetRequiredService<IVectorIndex>());
        Assert.Single(provider.GetServices<IStoreBackup>(), b => b.Name == "qdrant");
        Assert.Single(provider.GetServices<IStoreHealth>(), b => b.Name == "qdrant");
        Assert.Equal("second", provider.GetRequiredService<IOptions<QdrantVectorIndexOptions>>().Value.CollectionName);
    }

    [Fact]
    public async Task UseQdrant_FromConfiguration_BindsTheQdrantSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DocPipeline:Qdrant:Endpoint"] = "https://qdrant.example:6334",
            ["DocPipeline:Qdrant:CollectionName"] = "docs_chunks",
            ["DocPipeline:Qdrant:Memory"] = "cold",
            ["DocPipeline:Qdrant:UpsertBatchSize"] = "64",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings().UseQdrant();
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<QdrantVectorIndexOptions>>().Value;

        Assert.Equal(new Uri("https://qdrant.example:6334"), options.Endpoint);
        Assert.Equal("docs_chunks", options.CollectionName);
        Assert.Equal(QdrantMemory.Cold, options.Memory);
        Assert.Equal(64, options.UpsertBatchSize);
    }

    [Theory]
    [InlineData("Endpoint", "DocPipeline:Qdrant:Endpoint")]
    [InlineData("CollectionName", "DocPipeline:Qdrant:CollectionName")]
    [InlineData("UpsertBatchSize", "DocPipeline:Qdrant:UpsertBatchSize")]
    [InlineData("Timeout", "DocPipeline:Qdrant:Timeout")]
    [InlineData("Thumbprint", "DocPipeline:Qdrant:CertificateThumbprint")]
    public async Task UseQdrant_InvalidOption_FailsNamingTheKey(string option, string key)
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings().UseQdrant(o =>
        {
            switch (option)
            {
                case "Endpoint": o.Endpoint = new Uri("ftp://qdrant:6334"); break;
                case "CollectionName": o.CollectionName = "no spaces/allowed"; break;
                case "UpsertBatchSize": o.UpsertBatchSize = 0; break;
                case "Timeout": o.Timeout = TimeSpan.Zero; break;
                default: o.CertificateThumbprint = "AB12"; break;
            }
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<QdrantVectorIndexOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
