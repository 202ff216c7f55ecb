using DocPipeline.Jobs;
using Xunit;

namespace DocPipeline.Specification.Tests.Jobs;

/// <summary>The contract of <see cref="IWorkerHeartbeatStore"/> (which every built-in job store implements) and of the pending-jobs summary.</summary>
public abstract partial class JobStoreSpecification
{
    [Fact]
    public async Task RecordHeartbeatAsync_NewWorker_ListedWithEveryField()
    {
        var store = HeartbeatStore(CreateStore(Time, new JobStoreSpecificationSettings()));
        var heartbeat = Heartbeat("host-a/1/2/x") with
        {
            JobsInFlight = 3,
            JobsCompleted = 40,
            JobsFailed = 2,
            JobsRetried = 5,
            ChunksEmbedded = 700,
            ChunksReused = 30,
            BytesRead = 123_456,
            CpuPercent = 87.5,
            WorkingSetBytes = 200_000_000,
            GcHeapBytes = 50_000_000,
            StepLatencies = [new WorkerStepLatency("embed", 12, 3.5, 9.25, 10, 11)],
            Activity = [new WorkerActivity(Time.GetUtcNow().AddSeconds(-10), 4, 1, 70, 3)],
        };

        await store.RecordHeartbeatAsync(heartbeat);

        var listed = Assert.Single(await store.ListWorkersAsync());
        Assert.Equal(heartbeat with { StepLatencies = [], Activity = [] }, listed with { StepLatencies = [], Activity = [] });
        Assert.Equal(heartbeat.StepLatencies, listed.StepLatencies);
        Assert.Equal(heartbeat.Activity, listed.Activity);
    }

    [Fact]
    public async Task RecordHeartbeatAsync_SameWorkerAgain_ReplacesItsRow()
    {
        var store = HeartbeatStore(CreateStore(Time, new JobStoreSpecificationSettings()));
        await store.RecordHeartbeatAsync(Heartbeat("w1") with { JobsCompleted = 1 });
        Time.Advance(TimeSpan.FromSeconds(5));

        await store.RecordHeartbeatAsync(Heartbeat("w1") with { JobsCompleted = 9, Stopped = true });

        var listed = Assert.Single(await store.ListWorkersAsync());
        Assert.Equal((9L, true, Time.GetUtcNow()), (listed.JobsCompleted, listed.Stopped, listed.SeenAt));
    }

    [Fact]
    public async Task ListWorkersAsync_SeveralWorkers_MostRecentlySeenFirst()
    {
        var store = HeartbeatStore(CreateStore(Time, new JobStoreSpecificationSettings()));
        await store.RecordHeartbeatAsync(Heartbeat("old"));
        Time.Advance(TimeSpan.FromSeconds(1));
        await store.RecordHeartbeatAsync(Heartbeat("new"));

        Assert.Equal(["new", "old"], (await store.ListWorkersAsync()).Select(w => w.WorkerId));
    }

    [Fact]
    public async Task RemoveWorkersAsync_Cutoff_RemovesOnlyWorkersSeenBefore()
    {
        var store = HeartbeatStore(CreateStore(Time, new JobStoreSpecificationSettings()));
        await store.RecordHeartbeatAsync(Heartbeat("gone"));
        Time.Advance(TimeSpan.FromMinutes(10));
        await store.RecordHeartbeatAsync(Heartbeat("alive"));

        var removed = await store.RemoveWorkersAsync(Time.GetUtcNow().AddMinutes(-1));

        Assert.Equal(1, removed);
        Assert.Equal(["alive"], (await store.ListWorkersAsync()).Select(w => w.WorkerId));
    }

    [Fact]
    public async Task RecordHeartbeatAsync_NoWorkerId_Throws()
    {
        var store = HeartbeatStore(CreateStore(Time, new JobStoreSpecificationSettings()));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.RecordHeartbeatAsync(Heartbeat("")));
    }

    [Fact]
    public async Task GetPendingSummaryAsync_NoPendingJob_Empty()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings());

        var summary = await store.GetPendingSummaryAsync();

        Assert.Equal((null, 0L, 0), (summary.OldestCreatedAt, summary.RetriesWaiting, summary.ByPriority.Count));
    }

    [Fact]
    public async Task GetPendingSummaryAsync_PendingJobs_OldestRetriesAndPriorities()
    {
        var store = CreateStore(Time, new JobStoreSpecificationSettings { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromMinutes(5) });
        var oldest = Time.GetUtcNow();
        await store.CreateAsync([Request("a", priority: 1)]);
        Time.Advance(TimeSpan.FromSeconds(30));
        await store.CreateAsync([Request("b", priority: 5), Request("c", priority: 1), Request("d", priority: 1)]);
        var lease = Assert.Single(await store.ClaimAsync(Claim("w1")));
        await store.FailAsync(lease, new JobFailure("disk full", Retryable: true));

        var summary = await store.GetPendingSummaryAsync();

        Assert.Equal(oldest, summary.OldestCreatedAt);
        Assert.Equal(1, summary.RetriesWaiting);
        Assert.Equal([new PriorityCount(5, 1), new PriorityCount(1, 3)], summary.ByPriority);
    }

    private static IWorkerHeartbeatStore HeartbeatStore(IJobStore store) => Assert.IsAssignableFrom<IWorkerHeartbeatStore>(store);

    private WorkerHeartbeat Heartbeat(string workerId) => new()
    {
        WorkerId = workerId,
        Host = "host-a",
        ProcessId = 42,
        StartedAt = Time.GetUtcNow().AddMinutes(-1),
        SeenAt = Time.GetUtcNow(),
    };
}
