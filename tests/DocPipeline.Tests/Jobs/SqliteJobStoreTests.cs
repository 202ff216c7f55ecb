using System.Diagnostics;
using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using DocPipeline.Specification.Tests.Jobs;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace DocPipeline.Tests.Jobs;

public sealed class SqliteJobStoreTests : JobStoreSpecification, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly TestDirectory _directory = new();
    private readonly SqliteDatabaseProvider _databases = new();
    private readonly ITestOutputHelper _output;

    public SqliteJobStoreTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose()
    {
        _databases.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ClaimAsync_TwoWorkerProcessesAndThisProcess_NeverHoldTheSameJob()
    {
        const int JobCount = 3000;
        var path = _directory.File("shared.db");
        var store = OpenStore(_databases, path, TimeProvider.System);
        var workers = new[] { StartWorker(path, "process-1"), StartWorker(path, "process-2") };
        try
        {
            foreach (var (process, _) in workers)
            {
                Assert.Equal("ready", await process.StandardOutput.ReadLineAsync().WaitAsync(Patience));
            }

            var jobs = await store.CreateAsync(Enumerable.Range(0, JobCount).Select(i => Request($"doc{i}")).ToList());
            foreach (var (process, _) in workers)
            {
                await process.StandardInput.WriteLineAsync("go");
                await process.StandardInput.FlushAsync();
            }

            var mine = new List<string>();
            for (var round = 0; ; round++)
            {
                var leases = await store.ClaimAsync(new JobClaimRequest { Owner = "test-process", MaxJobs = 1 + (round % 2), LeaseDuration = TimeSpan.FromMinutes(5) });
                if (leases.Count == 0)
                {
                    break;
                }

                foreach (var lease in leases)
                {
                    mine.Add(lease.JobId);
                    Assert.True(await store.CompleteAsync(lease));
                }
            }

            var claimedBy = new List<List<string>> { mine };
            foreach (var (process, errors) in workers)
            {
                var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
                await process.WaitForExitAsync().WaitAsync(Patience);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.True(process.ExitCode == 0, $"worker exited with {process.ExitCode}: {await errors}");
                Assert.DoesNotContain(lines, l => l.StartsWith("lost", StringComparison.Ordinal));
                claimedBy.Add(lines.Where(l => l.StartsWith("claimed ", StringComparison.Ordinal)).Select(l => l["claimed ".Length..]).ToList());
            }

            _output.WriteLine($"claims: this process {claimedBy[0].Count}, workers {claimedBy[1].Count} and {claimedBy[2].Count}");
            var all = claimedBy.SelectMany(c => c).ToList();
            Assert.Equal(JobCount, all.Count);
            Assert.Equal(jobs.Select(j => j.Id).Order(), all.Order());
            Assert.True(claimedBy.Count(c => c.Count > 0) >= 2, $"claims per participant: {string.Join(", ", claimedBy.Select(c => c.Count))}");
            var finished = await store.ListAsync(new JobQuery { Limit = JobCount * 2 });
            Assert.All(finished, j => Assert.Equal((JobStatus.Completed, 1), (j.Status, j.Attempts)));
        }
        finally
        {
            foreach (var (process, _) in workers)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
            }
        }
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsJobsLeasesAndCheckpoints()
    {
        var path = _directory.File("reopen.db");
        IReadOnlyList<JobRecord> created;
        JobLease lease;
        using (var first = new SqliteDatabaseProvider())
        {
            var store = OpenStore(first, path, Time);
            created = await store.CreateAsync([Request("a"), Request("b")]);
            lease = Assert.Single(await store.ClaimAsync(Claim("w1")));
            await store.SaveCheckpointAsync(lease, "chunked");
        }

        using var second = new SqliteDatabaseProvider();
        var reopened = OpenStore(second, path, Time);

        var held = await reopened.GetAsync(lease.JobId);
        Assert.Equal((JobStatus.Processing, "chunked", "w1"), (held!.Status, held.Checkpoint, held.LeaseOwner));
        Assert.Equal(JobStatus.Pending, (await reopened.GetAsync(created[1].Id))!.Status);
        Assert.True(await reopened.CompleteAsync(lease));
        var later = (await reopened.CreateAsync([Request("c")]))[0];
        Assert.True(later.Sequence > created[1].Sequence);
        Assert.Equal(new JobStatusCounts(2, 0, 1, 0, 0), await reopened.GetCountsAsync());
    }

    [Fact]
    public void Resolve_CorruptJobStoreFile_ClearStorageErrorAndFileUntouched()
    {
        var path = _directory.Write("data/jobs.db", "this is not a SQLite database; it is a text file long enough to have a header");
        var before = File.ReadAllBytes(path);
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.File("data"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<DocPipelineStorageException>(() => provider.GetRequiredService<IJobStore>());

        Assert.Contains("job store", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Resolve_Defaults_JobsDbUnderDataDirectoryOrConfiguredPath()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.DataDirectory = _directory.File("data"));
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IJobStore>();
            Assert.IsType<SqliteJobStore>(store);
            await store.CreateAsync([Request("a")]);
        }

        var configured = new ServiceCollection();
        configured.AddDocPipeline(options => options.Queue.JobStoragePath = _directory.File("elsewhere/queue.db"));
        await using (var provider = configured.BuildServiceProvider())
        {
            await provider.GetRequiredService<IJobStore>().CreateAsync([Request("b")]);
        }

        Assert.True(File.Exists(_directory.File("data/jobs.db")));
        Assert.True(File.Exists(_directory.File("elsewhere/queue.db")));
    }

    protected override IJobStore CreateStore(FakeTimeProvider time, JobStoreSpecificationSettings settings) =>
        new SqliteJobStore(_databases.Open(_directory.File("jobs.db"), SqliteJobStore.Description, SqliteJobStore.Schema), settings.ToStoreSettings(), time);

    private static SqliteJobStore OpenStore(SqliteDatabaseProvider databases, string path, TimeProvider time) =>
        new(databases.Open(path, SqliteJobStore.Description, SqliteJobStore.Schema), new JobStoreSettings(), time);

    private static (Process Process, Task<string> Errors) StartWorker(string path, string owner)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DocPipeline.TestWorker.dll"));
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(owner);
        var process = Process.Start(start)!;
        return (process, process.StandardError.ReadToEndAsync());
    }
}
