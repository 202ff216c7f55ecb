using System.Net;
using System.Net.Sockets;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Fingerprints;
using DocPipeline.PostgreSql.Jobs;
using DocPipeline.PostgreSql.Storage;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DocPipeline.PostgreSql.Tests.Storage;

/// <summary>Migrations and failure handling of the shared connection pool.</summary>
public sealed class PostgreSqlDatabaseTests : IAsyncLifetime
{
    private readonly PostgreSqlTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task FirstUse_SeveralContainersStartingAtOnce_EachMigrationStepAppliedOnce()
    {
        var providers = Enumerable.Range(0, 6).Select(_ =>
        {
            var services = new ServiceCollection();
            services.AddDocPipeline(o => o.DataDirectory = Path.GetTempPath())
                .UsePostgreSql(o => (o.ConnectionString, o.Schema) = (_schema.Options().ConnectionString, _schema.Name))
                .UsePostgreSqlKeywordIndex();
            return services.BuildServiceProvider();
        }).ToList();
        try
        {
            await Task.WhenAll(providers.Select(provider => Task.Run(async () =>
            {
                await provider.GetRequiredService<IJobStore>().GetCountsAsync();
                await provider.GetRequiredService<IFingerprintStore>().CountAsync();
                await provider.GetRequiredService<IDocumentRegistry>().GetStatisticsAsync();
                await provider.GetRequiredService<IKeywordIndex>().GetStatisticsAsync();
            })));

            var versions = await PostgreSqlTestServer.ScalarAsync(
                $"SELECT string_agg(component || ':' || version, ',' ORDER BY component, version) FROM \"{_schema.Name}\".schema_versions;");
            Assert.Equal("fingerprints:1,fingerprints:2,jobs:1,jobs:2,jobs:3,keyword:1,registry:1,registry:2", versions);
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task FirstUse_TablesFromANewerVersion_RefusedWithAClearErrorAndLeftAlone()
    {
        await new PostgreSqlJobStore(_schema.Open(), new JobStoreSettings(), TimeProvider.System).GetCountsAsync();
        await PostgreSqlTestServer.ScalarAsync($"INSERT INTO \"{_schema.Name}\".schema_versions (component, version) VALUES ('jobs', 7);");

        var store = new PostgreSqlJobStore(_schema.Open(), new JobStoreSettings(), TimeProvider.System);
        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => store.GetCountsAsync());

        Assert.Contains("job store", error.Message, StringComparison.Ordinal);
        Assert.Contains("version 7", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer DocPipeline", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, await PostgreSqlTestServer.ScalarAsync($"SELECT MAX(version) FROM \"{_schema.Name}\".schema_versions WHERE component = 'jobs';"));
    }

    [Fact]
    public async Task FirstUse_MigrationTurnedOff_SaysWhatIsMissingUntilTheTablesExist()
    {
        var locked = new PostgreSqlFingerprintStore(_schema.Open(o => o.MigrateSchema = false), TimeProvider.System);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => locked.CountAsync());
        Assert.Contains("MigrateSchema", error.Message, StringComparison.Ordinal);
        Assert.Equal(true, await PostgreSqlTestServer.ScalarAsync("SELECT to_regclass(@t) IS NULL;", ("t", $"\"{_schema.Name}\".fingerprints")));

        await new PostgreSqlFingerprintStore(_schema.Open(), TimeProvider.System).CountAsync();
        Assert.Equal(0, await new PostgreSqlFingerprintStore(_schema.Open(o => o.MigrateSchema = false), TimeProvider.System).CountAsync());
    }

    [Fact]
    public async Task AnyCall_ServerNotListening_StorageErrorNamesTheServerAndSaysNothingChanged()
    {
        var port = ClosedPort();
        var options = _schema.Options(o => o.ConnectionString = new NpgsqlConnectionStringBuilder(o.ConnectionString) { Port = port, Timeout = 5 }.ConnectionString);
        await using var database = new PostgreSqlDatabase(options, logger: null);
        var store = new PostgreSqlJobStore(database, new JobStoreSettings(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => store.CreateAsync([new JobRequest { DocumentId = "a", Source = "a.txt" }]));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("job store", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    [Fact]
    public async Task NextCall_AfterTheServerEndedEveryConnection_RunsOnAFreshConnection()
    {
        var logger = new ListLogger();
        await using var database = new PostgreSqlDatabase(_schema.Options(), logger);
        var store = new PostgreSqlJobStore(database, new JobStoreSettings(), TimeProvider.System);
        await store.CreateAsync([new JobRequest { DocumentId = "a", Source = "a.txt" }]);

        Assert.True(await PostgreSqlTestServer.TerminateBackendsAsync(_schema.ApplicationName) > 0);
        var created = await store.CreateAsync([new JobRequest { DocumentId = "b", Source = "b.txt" }]);

        Assert.Equal(2, (await store.GetCountsAsync()).Pending);
        Assert.NotNull(await store.GetAsync(created[0].Id));
        Assert.Contains(logger.Messages, m => m.Contains("opened a new one and tried again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyCall_RowHeldLongerThanTheCommandTimeout_StorageErrorSaysItTimedOutAndNothingChanged()
    {
        await using var database = new PostgreSqlDatabase(_schema.Options(o => o.CommandTimeout = TimeSpan.FromSeconds(1)), logger: null);
        var store = new PostgreSqlJobStore(database, new JobStoreSettings(), TimeProvider.System);
        await store.CreateAsync([new JobRequest { DocumentId = "a", Source = "a.txt" }]);
        var lease = Assert.Single(await store.ClaimAsync(new JobClaimRequest { Owner = "w1", LeaseDuration = TimeSpan.FromMinutes(5) }));

        // Another session holds the job's row, as a long transaction elsewhere would.
        await using var other = new NpgsqlConnection(PostgreSqlTestServer.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM \"{_schema.Name}\".jobs WHERE id = @id FOR UPDATE;", other, transaction))
        {
            hold.Parameters.AddWithValue("id", lease.JobId);
            await hold.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => store.CompleteAsync(lease));
        await transaction.RollbackAsync();

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.Contains("DocPipeline:PostgreSql:CommandTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Processing, (await store.GetAsync(lease.JobId))!.Status);
    }

    /// <summary>A local port nothing listens on.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
