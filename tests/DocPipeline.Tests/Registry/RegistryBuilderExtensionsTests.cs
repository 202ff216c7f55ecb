using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Registry;

public sealed class RegistryBuilderExtensionsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AddDocPipeline_Default_EveryRegistryContractIsTheOneSqliteRegistry()
    {
        var services = new ServiceCollection();

        services.AddDocPipeline(o => o.DataDirectory = _directory.Path);
        services.AddDocPipeline();

        using var provider = services.BuildServiceProvider();
        var registry = Assert.IsType<SqliteDocumentRegistry>(provider.GetRequiredService<IDocumentRegistry>());
        AssertEveryContractIs(registry, provider, services);
    }

    [Fact]
    public void UseInMemoryDocumentRegistry_AfterAddDocPipeline_ReplacesEveryContract()
    {
        var services = new ServiceCollection();

        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryDocumentRegistry();

        using var provider = services.BuildServiceProvider();
        var registry = Assert.IsType<InMemoryDocumentRegistry>(provider.GetRequiredService<IDocumentRegistry>());
        AssertEveryContractIs(registry, provider, services);
        Assert.False(File.Exists(_directory.File("registry.db")));
    }

    [Fact]
    public void UseDocumentRegistry_AfterAnotherUse_LastCallWinsForEveryContract()
    {
        var services = new ServiceCollection();

        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryDocumentRegistry().UseDocumentRegistry<SqliteDocumentRegistry>();

        using var provider = services.BuildServiceProvider();
        var registry = Assert.IsType<SqliteDocumentRegistry>(provider.GetRequiredService<IDocumentRegistry>());
        AssertEveryContractIs(registry, provider, services);
    }

    private static void AssertEveryContractIs(object registry, ServiceProvider provider, ServiceCollection services)
    {
        Assert.Same(registry, provider.GetRequiredService<IEmbeddingCache>());
        Assert.Same(registry, provider.GetRequiredService<IRunGenerationStore>());
        Assert.Same(registry, provider.GetRequiredService<ISettingsStore>());
        foreach (var contract in new[] { typeof(IDocumentRegistry), typeof(IEmbeddingCache), typeof(IRunGenerationStore), typeof(ISettingsStore) })
        {
            Assert.Single(services, d => d.ServiceType == contract);
        }
    }
}
