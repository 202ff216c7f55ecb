using BenchmarkDotNet.Attributes;
using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Storage;
using Microsoft.Extensions.Options;

namespace DocPipeline.Benchmarks.Jobs;

/// <summary>
/// Throughput of the durable queue: 10,000 trivial jobs enqueued in batches, then claimed and completed by a
/// <see cref="DocumentQueue"/> running 8 at a time with a no-op handler. Jobs per second = 10,000 / Mean.
/// The SQLite store is the default and the only built-in embedded store (<c>UseInMemoryJobStore()</c> runs it on a
/// temp file), so it is the baseline the PostgreSQL store is compared with elsewhere.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class JobQueueBenchmarks
{
    private const int JobCount = 10_000;
    private static readonly IJobHandler NoOp = new NoOpHandler();
    private readonly List<JobRequest> _requests = Enumerable.Range(0, JobCount)
        .Select(i => new JobRequest { DocumentId = $"doc{i}", Source = $"/corpus/doc{i}.txt" })
        .ToList();

    private readonly IOptions<DocPipelineOptions> _options = Options.Create(new DocPipelineOptions
    {
        Queue = { MaxConcurrent = 8 },
    });

    private string _directory = string.Empty;
    private SqliteDatabaseProvider? _databases;
    private IJobStore _store = null!;

    [IterationSetup]
    public void SetUpSqlite()
    {
        _directory = Path.Combine(Path.GetTempPath(), "docpipeline-bench", Guid.NewGuid().ToString("N"));
        _databases = new SqliteDatabaseProvider();
        _store = new SqliteJobStore(
            _databases.Open(Path.Combine(_directory, "jobs.db"), SqliteJobStore.Description, SqliteJobStore.Schema),
            JobStoreSettings.From(_options.Value.Queue),
            TimeProvider.System);
    }

    [IterationCleanup]
    public void CleanUp()
    {
        _databases?.Dispose();
        _databases = null;
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "SQLite store (default)")]
    public Task<JobStatusCounts> SqliteStore() => EnqueueAndDrainAsync();

    private async Task<JobStatusCounts> EnqueueAndDrainAsync()
    {
        var queue = new DocumentQueue(_store, NoOp, _options, TimeProvider.System);
        await queue.EnqueueAsync(_requests);
        await queue.RunUntilIdleAsync(CancellationToken.None);
        var counts = await queue.GetCountsAsync();
        return counts.Completed == JobCount ? counts : throw new InvalidOperationException($"Only {counts.Completed} of {JobCount} jobs completed: {counts}.");
    }

    private sealed class NoOpHandler : IJobHandler
    {
        public Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }
}
