using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Fingerprints;
using DocPipeline.PostgreSql.Indexing;
using DocPipeline.PostgreSql.Jobs;
using DocPipeline.PostgreSql.Registry;
using DocPipeline.PostgreSql.Storage;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.PostgreSql.Tests.DependencyInjection;

/// <summary>The builder verbs and options: what a host registers and what it is told when a setting is wrong.</summary>
public sealed class PostgreSqlBuilderExtensionsTests
{
    private const string ConnectionString = "Host=db.internal;Port=5432;Database=docs;Username=docpipeline";

    [Fact]
    public void UsePostgreSql_ReplacesJobFingerprintAndRegistrySlots_SharingOnePool()
    {
        using var provider = Build(builder => builder.UsePostgreSql(o => o.ConnectionString = ConnectionString));

        Assert.IsType<PostgreSqlJobStore>(provider.GetRequiredService<IJobStore>());
        Assert.IsType<PostgreSqlFingerprintStore>(provider.GetRequiredService<IFingerprintStore>());
        var registry = Assert.IsType<PostgreSqlDocumentRegistry>(provider.GetRequiredService<IDocumentRegistry>());
        Assert.Same(registry, provider.GetRequiredService<IEmbeddingCache>());
        Assert.Same(registry, provider.GetRequiredService<IRunGenerationStore>());
        Assert.Same(registry, provider.GetRequiredService<ISettingsStore>());
        Assert.IsNotType<PostgreSqlKeywordIndex>(provider.GetRequiredService<IKeywordIndex>());
        Assert.Single(provider.GetServices<PostgreSqlDatabase>());
    }

    [Fact]
    public void UsePostgreSqlKeywordIndex_ReplacesOnlyTheKeywordSlot()
    {
        using var provider = Build(builder => builder.UsePostgreSqlKeywordIndex(), configure: o => o.ConnectionString = ConnectionString);

        Assert.IsType<PostgreSqlKeywordIndex>(provider.GetRequiredService<IKeywordIndex>());
        Assert.IsNotType<PostgreSqlJobStore>(provider.GetRequiredService<IJobStore>());
    }

    [Fact]
    public void Options_FromConfiguration_BoundAndCodeWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DocPipeline:PostgreSql:ConnectionString"] = ConnectionString,
            ["DocPipeline:PostgreSql:Schema"] = "from_config",
            ["DocPipeline:PostgreSql:CommandTimeout"] = "00:00:05",
            ["DocPipeline:PostgreSql:MaxPoolSize"] = "12",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddDocPipeline().UsePostgreSql(o => o.Schema = "from_code");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PostgreSqlOptions>>().Value;

        Assert.Equal((ConnectionString, "from_code", TimeSpan.FromSeconds(5), 12), (options.ConnectionString, options.Schema, options.CommandTimeout, options.MaxPoolSize));
        Assert.Equal("from_code", provider.GetRequiredService<PostgreSqlDatabase>().Schema);
    }

    [Fact]
    public void Options_Defaults_DocumentedValues()
    {
        var options = new PostgreSqlOptions();

        Assert.Equal((null, "docpipeline", TimeSpan.FromSeconds(30), null, true), (options.ConnectionString, options.Schema, options.CommandTimeout, options.MaxPoolSize, options.MigrateSchema));
    }

    [Theory]
    [InlineData(null, "docpipeline", "DocPipeline:PostgreSql:ConnectionString is required")]
    [InlineData("Host=db;Nonsense Key=1", "docpipeline", "DocPipeline:PostgreSql:ConnectionString is not a valid Npgsql connection string")]
    [InlineData("Database=docs", "docpipeline", "DocPipeline:PostgreSql:ConnectionString names no Host")]
    [InlineData(ConnectionString, "bad-schema; DROP", "DocPipeline:PostgreSql:Schema must be a plain identifier")]
    [InlineData(ConnectionString, "9lives", "DocPipeline:PostgreSql:Schema must be a plain identifier")]
    [InlineData(ConnectionString, "", "DocPipeline:PostgreSql:Schema is required")]
    public void Options_Invalid_ResolvingFailsNamingTheKey(string? connectionString, string schema, string expected)
    {
        using var provider = Build(builder => builder.UsePostgreSql(o => (o.ConnectionString, o.Schema) = (connectionString, schema)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IJobStore>());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_CommandTimeoutOutOfRange_ResolvingFailsNamingTheKey()
    {
        using var provider = Build(builder => builder.UsePostgreSql(o => (o.ConnectionString, o.CommandTimeout) = (ConnectionString, TimeSpan.Zero)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IDocumentRegistry>());

        Assert.Contains("DocPipeline:PostgreSql:CommandTimeout must be between", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAndSearch_WholePipelineOnPostgreSql_AddsUpdatesAndSkipsLikeTheEmbeddedDefaults()
    {
        await using var schema = new PostgreSqlTestSchema();
        using var directory = new TestDirectory();
        directory.Write("docs/bees.md", "# Bees\n\nHoney bees dance to tell the hive where the flowers are.");
        directory.Write("docs/tides.txt", "Tides rise and fall twice a day because of the moon.");
        var glaciers = directory.Write("docs/glaciers.txt", "Glaciers carve valleys slowly over thousands of years.");
        await using var provider = Build(
            builder => builder
                .UsePostgreSql(o => (o.ConnectionString, o.Schema) = (schema.Options().ConnectionString, schema.Name))
                .UsePostgreSqlKeywordIndex()
                .UseHashingEmbeddings()
                .UseInMemoryVectorIndex(),
            data: directory.File("data"));
        var pipeline = provider.GetRequiredService<IDocPipeline>();

        var first = await pipeline.IngestAsync([directory.File("docs")], new IngestOptions());
        var unchanged = await pipeline.IngestAsync([directory.File("docs")], new IngestOptions());
        File.WriteAllText(glaciers, "Glaciers carve valleys; meltwater feeds the rivers below.");
        var edited = await pipeline.IngestAsync([directory.File("docs")], new IngestOptions());
        var hits = await pipeline.SearchAsync("meltwater rivers", new SearchOptions { Mode = SearchMode.Keyword, TopK = 3 });

        Assert.Equal((3L, 0L, 0L), (first.Added, first.Failed, first.Skipped));
        Assert.Equal((0L, 0L, 3L), (unchanged.Added, unchanged.Updated, unchanged.Skipped));
        Assert.Equal((1L, 2L), (edited.Updated, edited.Skipped));
        Assert.Equal(glaciers, hits[0].Source);
        Assert.Contains("meltwater", hits[0].Text, StringComparison.Ordinal);
        Assert.Equal(new JobStatusCounts(0, 0, 4, 0, 0), await pipeline.GetQueueStatusAsync());
    }

    private static ServiceProvider Build(Action<IDocPipelineBuilder> use, Action<PostgreSqlOptions>? configure = null, string? data = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddDocPipeline(o => o.DataDirectory = data ?? Path.Combine(Path.GetTempPath(), "docpipeline-unused"));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        use(builder);
        return services.BuildServiceProvider();
    }
}
