using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using DocPipeline.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Jobs;

/// <summary>A jobs.db written before the operator controls existed is upgraded in place and keeps its jobs.</summary>
public sealed class SqliteJobStoreUpgradeTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Open_FileAtSchemaStep1_UpgradedKeepingJobsThenPausesAndRecordsErrors()
    {
        var path = _directory.File("jobs.db");
        var settings = new JobStoreSettings { MaxAttempts = 1 };
        JobRecord old;
        using (var first = new SqliteDatabaseProvider())
        {
            var store = new SqliteJobStore(first.Open(path, SqliteJobStore.Description, new SqliteSchema("jobs", [SqliteJobStore.Schema.Steps[0]])), settings, _time);
            old = (await store.CreateAsync([new JobRequest { DocumentId = "old", Source = "/old.txt" }]))[0];
        }

        using var second = new SqliteDatabaseProvider();
        var upgraded = new SqliteJobStore(second.Open(path, SqliteJobStore.Description, SqliteJobStore.Schema), settings, _time);

        Assert.Equal(QueuePauseState.Running, await upgraded.GetPauseStateAsync());
        var lease = Assert.Single(await upgraded.ClaimAsync(new JobClaimRequest { Owner = "w", LeaseDuration = TimeSpan.FromMinutes(1) }));
        Assert.Equal(old.Id, lease.JobId);
        await upgraded.FailAsync(lease, new JobFailure("broken", Retryable: false));
        Assert.Equal("broken", Assert.Single(await upgraded.ListErrorsAsync(old.Id)).Message);
        await upgraded.SetPauseStateAsync(paused: true, interruptRunning: false, changedBy: null);
        Assert.Equal(1, await upgraded.RetryFailedAsync());
        Assert.Empty(await upgraded.ClaimAsync(new JobClaimRequest { Owner = "w", LeaseDuration = TimeSpan.FromMinutes(1) }));
    }
}
