using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DocPipeline.Tests.Queue;

public sealed class JobsBuilderExtensionsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task UseInMemoryJobStore_AfterAddDocPipeline_KeepsJobsOutsideTheDataFolderUntilDisposed()
    {
        var services = new ServiceCollection();

        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryJobStore();
        services.AddDocPipeline();

        string folder;
        await using (var provider = services.BuildServiceProvider())
        {
            var store = Assert.IsType<SqliteJobStore>(provider.GetRequiredService<IJobStore>());
            var job = (await store.CreateAsync([QueueHarness.Request("a")]))[0];
            Assert.Equal(JobStatus.Pending, (await store.GetAsync(job.Id))!.Status);
            folder = Assert.IsType<string>(store.TemporaryFolder);
            Assert.True(File.Exists(Path.Combine(folder, "jobs.db")));
            Assert.Single(services, d => d.ServiceType == typeof(IJobStore));
            Assert.False(File.Exists(_directory.File("jobs.db")));
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task UseInMemoryJobStore_TwoContainers_DoNotShareJobs()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryJobStore();

        await using var first = services.BuildServiceProvider();
        await using var second = services.BuildServiceProvider();
        await first.GetRequiredService<IJobStore>().CreateAsync([QueueHarness.Request("a")]);

        Assert.Equal(1L, (await first.GetRequiredService<IJobStore>().GetCountsAsync()).Pending);
        Assert.Equal(0L, (await second.GetRequiredService<IJobStore>().GetCountsAsync()).Pending);
    }

    [Fact]
    public void UseJobStore_AfterAnotherUse_LastCallWins()
    {
        var services = new ServiceCollection();

        services.AddDocPipeline(o => o.DataDirectory = _directory.Path).UseInMemoryJobStore().UseJobStore<SqliteJobStore>();

        using var provider = services.BuildServiceProvider();
        Assert.IsType<SqliteJobStore>(provider.GetRequiredService<IJobStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IJobStore));
    }

    [Fact]
    public void AddDocPipeline_WithAHandlerAndNoLogging_QueueResolvesOverTheSqliteStore()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = _directory.Path);
        services.AddSingleton<IJobHandler>(new DelegateJobHandler((_, _) => Task.FromResult<string?>(null)));

        using var provider = services.BuildServiceProvider();

        var queue = Assert.IsType<DocumentQueue>(provider.GetRequiredService<IDocumentQueue>());
        Assert.Same(queue, provider.GetRequiredService<IDocumentQueue>());
        Assert.IsType<SqliteJobStore>(provider.GetRequiredService<IJobStore>());
        Assert.StartsWith($"{Environment.MachineName}/{Environment.ProcessId}/", queue.Owner, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWorker_CalledTwice_OneHostedServiceAndQueueOptionsConfigured()
    {
        var services = new ServiceCollection();

        services.AddDocPipeline().AddWorker().AddWorker(q => q.MaxConcurrent = 8);

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DocPipelineWorker));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(8, provider.GetRequiredService<IOptions<DocPipeline.Configuration.DocPipelineOptions>>().Value.Queue.MaxConcurrent);
    }

    [Fact]
    public async Task AddWorker_InAHost_RunsEnqueuedJobsAndGivesUnfinishedOnesBackOnStop()
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuckStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDocPipeline(o =>
        {
            o.DataDirectory = _directory.Path;
            o.Queue.ShutdownTimeout = TimeSpan.Zero;
        }).AddWorker();
        builder.Services.AddSingleton<IJobHandler>(new DelegateJobHandler(async (context, ct) =>
        {
            if (context.Job.DocumentId == "stuck")
            {
                stuckStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }

            done.TrySetResult(context.Job.DocumentId);
            return "indexed";
        }));
        using var host = builder.Build();
        await host.StartAsync();
        var queue = host.Services.GetRequiredService<IDocumentQueue>();

        var quick = (await queue.EnqueueAsync([QueueHarness.Request("quick")]))[0];
        Assert.Equal("quick", await done.Task.WaitAsync(QueueHarness.Patience));
        var stuck = (await queue.EnqueueAsync([QueueHarness.Request("stuck")]))[0];
        await stuckStarted.Task.WaitAsync(QueueHarness.Patience);
        await host.StopAsync();

        var store = host.Services.GetRequiredService<IJobStore>();
        Assert.Equal(JobStatus.Completed, (await store.GetAsync(quick.Id))!.Status);
        var released = await store.GetAsync(stuck.Id);
        Assert.Equal((JobStatus.Pending, 0), (released!.Status, released.Attempts));
    }
}
