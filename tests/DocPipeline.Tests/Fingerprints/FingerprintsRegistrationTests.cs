using DocPipeline.Fingerprints;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Tests.Fingerprints;

public sealed class FingerprintsRegistrationTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task AddDocPipeline_Default_SqliteFingerprintStoreUnderTheDataDirectory()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path);
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IFingerprintStore>();
        await store.UpsertAsync([new SourceFingerprint { Source = "/a", ContentHash = "00" }]);

        Assert.IsType<SqliteFingerprintStore>(store);
        Assert.True(File.Exists(Path.Combine(_directory.Path, "fingerprints.db")));
    }

    [Fact]
    public void AddDocPipeline_StoragePathConfigured_StoreOpensThatFile()
    {
        var path = _directory.File("elsewhere/prints.db");
        var services = new ServiceCollection();
        services.AddDocPipeline(o =>
        {
            o.DataDirectory = _directory.File("data");
            o.Fingerprint.StoragePath = path;
        });
        using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<SqliteFingerprintStore>(provider.GetRequiredService<IFingerprintStore>());

        Assert.Equal(path, store.Path);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void AddDocPipeline_CalledTwice_OneFingerprintStoreRegistration()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline();
        services.AddDocPipeline();

        Assert.Single(services, d => d.ServiceType == typeof(IFingerprintStore));
        Assert.Single(services, d => d.ServiceType == typeof(FileFingerprinter));
    }

    [Fact]
    public void UseInMemoryFingerprintStore_ReplacesTheSqliteStoreAndWritesNoFile()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryFingerprintStore();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryFingerprintStore>(provider.GetRequiredService<IFingerprintStore>());
        Assert.False(File.Exists(Path.Combine(_directory.Path, "fingerprints.db")));
    }

    [Fact]
    public void UseFingerprintStore_CalledAfterAnotherUse_LastCallWins()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path)
            .UseInMemoryFingerprintStore()
            .UseFingerprintStore<CountingFingerprintStore>();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<CountingFingerprintStore>(provider.GetRequiredService<IFingerprintStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IFingerprintStore));
    }

    [Fact]
    public async Task FileFingerprinter_ContainerWithoutLogging_ResolvesAndUsesTheConfiguredStore()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryFingerprintStore();
        using var provider = services.BuildServiceProvider();
        var path = _directory.Write("a.txt", "hello");

        var check = await provider.GetRequiredService<FileFingerprinter>().CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.New, check.Status);
    }

    [Fact]
    public void AddDocPipeline_FingerprintSectionInConfiguration_Bound()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DocPipeline:Fingerprint:IncludeMetadata"] = "true",
            ["DocPipeline:Fingerprint:RetentionDays"] = "7",
            ["DocPipeline:Fingerprint:ExcludedMetadataKeys:0"] = "crawledAt",
            ["DocPipeline:Fingerprint:ExcludedMetadataKeys:1"] = "requestId",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DocPipeline.Configuration.DocPipelineOptions>>().Value.Fingerprint;

        Assert.True(options.IncludeMetadata);
        Assert.Equal(7, options.RetentionDays);
        Assert.Equal(["crawledAt", "requestId"], options.ExcludedMetadataKeys);
    }

    [Fact]
    public void AddDocPipeline_RetentionDaysOutOfRange_ValidationNamesTheKey()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.Fingerprint.RetentionDays = -1);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DocPipeline.Configuration.DocPipelineOptions>>().Value);

        Assert.Contains("DocPipeline:Fingerprint:RetentionDays", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
