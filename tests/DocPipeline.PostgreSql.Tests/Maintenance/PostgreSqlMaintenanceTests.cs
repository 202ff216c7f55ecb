using DocPipeline.Consistency;
using DocPipeline.Ingestion;
using DocPipeline.Maintenance;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.PostgreSql.Tests.Maintenance;

/// <summary>The PostgreSQL stores in verify, backup and health, through the participation contracts.</summary>
public sealed class PostgreSqlMaintenanceTests
{
    [Fact]
    public async Task VerifyAsync_StoresInPostgreSql_EachCheckedAndNamed()
    {
        await using var schema = new PostgreSqlTestSchema();
        using var directory = new TestDirectory();
        directory.Write("docs/bees.md", "# Bees\n\nHoney bees dance to tell the hive where the flowers are.");
        await using var provider = Build(schema, directory);
        await provider.GetRequiredService<IDocPipeline>().IngestAsync([directory.File("docs")], new IngestOptions());

        var report = await provider.GetRequiredService<IIndexMaintenance>().VerifyAsync(new VerifyOptions());

        Assert.Equal(["fingerprints", "jobs", "keyword", "registry"], report.Stores.Keys.Order(StringComparer.Ordinal));
        Assert.All(report.Stores.Values, store => Assert.True(store.IsIntact, store.Error));
        Assert.All(report.Stores.Values, store => Assert.Contains("schema version", store.Check, StringComparison.Ordinal));
        Assert.True(report.IsConsistent);
    }

    [Fact]
    public async Task BackupAsync_RegistryInPostgreSql_RefusedSayingTheServerBacksItUp()
    {
        await using var schema = new PostgreSqlTestSchema();
        using var directory = new TestDirectory();
        await using var provider = Build(schema, directory);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => provider.GetRequiredService<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = directory.File("backups") }));

        Assert.Contains($"pg_dump --schema={schema.Name}", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("backups")) && Directory.EnumerateFileSystemEntries(directory.File("backups")).Any());
    }

    [Fact]
    public async Task CheckHealthAsync_ServerUnreachable_UnavailableNamingTheStore()
    {
        using var directory = new TestDirectory();
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = directory.File("data"))
            .UsePostgreSql(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=5");
        await using var provider = services.BuildServiceProvider();

        var jobs = provider.GetServices<IStoreHealth>().Single(h => h.Name == "jobs" && h.IsInUse);
        var health = await jobs.CheckHealthAsync();

        Assert.Equal(StoreHealthState.Unavailable, health.State);
        Assert.Contains("job store", health.Reason, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(PostgreSqlTestSchema schema, TestDirectory directory)
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = directory.File("data"))
            .UsePostgreSql(o => (o.ConnectionString, o.Schema) = (schema.Options().ConnectionString, schema.Name))
            .UsePostgreSqlKeywordIndex()
            .UseHashingEmbeddings()
            .UseInMemoryVectorIndex();
        return services.BuildServiceProvider();
    }
}
