using BenchmarkDotNet.Attributes;
using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.PostgreSql;
using DocPipeline.PostgreSql.Jobs;
using DocPipeline.PostgreSql.Storage;
using DocPipeline.Queue;
using Microsoft.Extensions.Options;

namespace DocPipeline.Benchmarks.PostgreSql;

/// <summary>
/// Throughput of the PostgreSQL job store shared by several workers: 5,000 trivial jobs, claimed and completed by 1, 2
/// or 4 <see cref="DocumentQueue"/>s at once, each with its own connection pool as a separate worker process would
/// have, running MaxConcurrent 4 with a no-op handler. Jobs per second = 5,000 / Mean.
/// </summary>
/// <remarks>
/// Needs a server: set <c>DOCPIPELINE_POSTGRES_CONNECTION</c> (for example
/// <c>Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres</c>). The jobs are created before each iteration
/// and not measured; the tables live in a schema of their own, dropped at the end.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class PostgreSqlJobStoreBenchmarks
{
    private const int JobCount = 5_000;
    private const int MaxWorkers = 4;
    private static readonly IJobHandler NoOp = new NoOpHandler();
    private readonly IOptions<DocPipelineOptions> _options = Options.Create(new DocPipelineOptions { Queue = { MaxConcurrent = 4 } });
    private readonly List<PostgreSqlDatabase> _pools = [];
    private readonly List<PostgreSqlJobStore> _workers = [];
    private PostgreSqlDatabase _setup = null!;

    [GlobalSetup]
    public void SetUp()
    {
        var connectionString = Environment.GetEnvironmentVariable("DOCPIPELINE_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("Set DOCPIPELINE_POSTGRES_CONNECTION to a PostgreSQL server to run this benchmark.");
        var options = new PostgreSqlOptions { ConnectionString = connectionString, Schema = "bench_" + Guid.NewGuid().ToString("N") };
        _setup = new PostgreSqlDatabase(options, logger: null);
        for (var i = 0; i < MaxWorkers; i++)
        {
            var pool = new PostgreSqlDatabase(options, logger: null);
            _pools.Add(pool);
            _workers.Add(new PostgreSqlJobStore(pool, JobStoreSettings.From(_options.Value.Queue), TimeProvider.System));
        }
    }

    [IterationSetup]
    public void CreateJobs() => CreateJobsAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void CleanUp()
    {
        _setup.ExecuteAsync(PostgreSqlJobStore.Schema, $"DROP SCHEMA \"{_setup.Schema}\" CASCADE;", bind: null, CancellationToken.None).GetAwaiter().GetResult();
        foreach (var pool in _pools.Append(_setup))
        {
            pool.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "1 worker")]
    public Task<JobStatusCounts> OneWorker() => DrainAsync(1);

    [Benchmark(Description = "2 workers")]
    public Task<JobStatusCounts> TwoWorkers() => DrainAsync(2);

    [Benchmark(Description = "4 workers")]
    public Task<JobStatusCounts> FourWorkers() => DrainAsync(4);

    private async Task CreateJobsAsync()
    {
        await _setup.ExecuteAsync(PostgreSqlJobStore.Schema, "TRUNCATE {schema}.jobs;", bind: null, CancellationToken.None);
        var store = _workers[0];
        for (var start = 0; start < JobCount; start += 500)
        {
            await store.CreateAsync(Enumerable.Range(start, 500).Select(i => new JobRequest { DocumentId = $"doc{i}", Source = $"/corpus/doc{i}.txt" }).ToList());
        }
    }

    private async Task<JobStatusCounts> DrainAsync(int workers)
    {
        await Task.WhenAll(_workers.Take(workers).Select(store => new DocumentQueue(store, NoOp, _options, TimeProvider.System).RunUntilIdleAsync(CancellationToken.None)));
        var counts = await _workers[0].GetCountsAsync();
        return counts.Completed == JobCount ? counts : throw new InvalidOperationException($"Only {counts.Completed} of {JobCount} jobs completed: {counts}.");
    }

    private sealed class NoOpHandler : IJobHandler
    {
        public Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }
}
