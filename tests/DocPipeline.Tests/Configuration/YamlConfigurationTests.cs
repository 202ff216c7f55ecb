using System.Reflection;
using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Consistency;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Configuration;

/// <summary>A host reading the plan's config.yaml with <c>AddDocPipelineYamlFile</c>: binding, strict checks, and the keys whose effect only a host shows.</summary>
public sealed class YamlConfigurationTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public void AddDocPipelineYamlFile_SnakeAndPascalCaseKeys_BindTheOptionsWithPathsBesideTheFile()
    {
        var file = _directory.Write("etc/config.yaml", """
            queue:
              max_concurrent: 10
              job_storage_path: ./jobs.db
              chunk_size: 100
            Fingerprint:
              RetentionDays: 90
              excluded_metadata_keys: [crawl_time, request_id]
            index_management: {backup_path: ../backups, rebuild_on_corruption: true}
            """);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddDocPipelineYamlFile(file).Build());
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DocPipelineOptions>>().Value;

        Assert.Equal(10, options.Queue.MaxConcurrent);
        Assert.Equal(_directory.File("etc/jobs.db"), options.Queue.JobStoragePath);
        Assert.Equal(100, options.Queue.BatchSize);
        Assert.Equal(90, options.Fingerprint.RetentionDays);
        Assert.Equal(["crawl_time", "request_id"], options.Fingerprint.ExcludedMetadataKeys);
        Assert.Equal(_directory.File("backups"), options.IndexManagement.BackupPath);
        Assert.True(options.IndexManagement.RebuildOnCorruption);
    }

    [Fact]
    public async Task StartHost_TypoInYamlFile_FailsNamingFileLineAndKey()
    {
        var file = _directory.Write("config.yaml", "fingerprint:\n  enabled: true\n  retension_days: 3\n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddDocPipelineYamlFile(file);
        builder.Services.AddDocPipeline(o => o.DataDirectory = _directory.File("data"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith(
            $"{file}, line 3, key 'fingerprint.retension_days': unknown key. Did you mean 'retention_days'? Allowed in 'fingerprint': enabled, storage_path, retention_days,",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void AddDocPipelineYamlFile_NotYaml_BuildThrowsNamingFileAndLine()
    {
        var file = _directory.Write("config.yaml", "queue:\n  max_concurrent: [1, 2\n");

        var error = Assert.Throws<InvalidDataException>(() => new ConfigurationBuilder().AddDocPipelineYamlFile(file).Build());

        Assert.StartsWith($"{file}, line 3, column 1: not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(100, 1)]
    public async Task Ingest_ChunkSize_IsHowManyJobsEachStoreRoundTripCreates(int chunkSize, int expectedCalls)
    {
        var file = _directory.Write($"config-{chunkSize}.yaml", $"queue: {{chunk_size: {chunkSize}}}\n");
        var sources = Enumerable.Range(0, 5).Select(i => _directory.Write($"src/doc{i}.txt", $"document {i} says something about {i}")).ToArray();
        var calls = 0;
        await using var pipeline = new TestPipeline(_directory, builder =>
        {
            builder.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddDocPipelineYamlFile(file).Build());
            builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore>(sp =>
                CountingJobStore.Create(ActivatorUtilities.CreateInstance<SqliteJobStore>(sp), () => Interlocked.Increment(ref calls))));
        });

        var result = await pipeline.IngestAsync(sources);

        Assert.Equal(5, result.Added);
        Assert.Equal(expectedCalls, calls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ingest_ConsistencyChecks_VerifiesTheIndexesInTheBackgroundOnlyWhenOn(bool on)
    {
        var file = _directory.Write($"config-{on}.yaml", $"index_management:\n  consistency_checks: {(on ? "true" : "false")}\n");
        var source = _directory.Write("src/doc.txt", "a document about consistency");
        await using (var first = new TestPipeline(_directory))
        {
            await first.IngestAsync(source);
        }

        // The background verify reports through the log (event 5100); an explicit verify logs the same report.
        var logs = new CollectingLoggerProvider();
        await using (var pipeline = new TestPipeline(_directory, builder =>
        {
            builder.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddDocPipelineYamlFile(file).Build());
            builder.Services.AddLogging(l => l.AddProvider(logs));
        }))
        {
            await pipeline.IngestAsync(source);
            if (on)
            {
                await logs.LoggedAsync(5100).WaitAsync(TimeSpan.FromSeconds(60));
                return;
            }

            await pipeline.Get<IIndexMaintenance>().VerifyAsync();
        }

        Assert.Single(logs.Entries, e => e.Event.Id == 5100);
        Assert.DoesNotContain(logs.Entries, e => e.Event.Id == 5112);
    }

    [Fact]
    public async Task Worker_FingerprintRetentionDays_RemovesSourcesNotSeenForThatLongWhenItStarts()
    {
        var file = _directory.Write("config.yaml", "fingerprint: {retention_days: 30}\nqueue: {job_retention_days: 30}\n");
        var source = _directory.Write("src/doc.txt", "a document that will not be seen again");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddDocPipelineYamlFile(file);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings();
        using (var client = builder.Build())
        {
            await client.Services.GetRequiredService<IDocPipeline>().IngestAsync([source], new DocPipeline.Ingestion.IngestOptions());
        }

        var workerBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        workerBuilder.Configuration.AddDocPipelineYamlFile(file);
        workerBuilder.Services.AddSingleton<TimeProvider>(time);
        workerBuilder.Services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings().AddWorker();
        using var worker = workerBuilder.Build();
        var fingerprints = worker.Services.GetRequiredService<DocPipeline.Fingerprints.IFingerprintStore>();
        var jobs = worker.Services.GetRequiredService<IJobStore>();
        Assert.Equal(1, await fingerprints.CountAsync());
        time.Advance(TimeSpan.FromDays(31));

        await worker.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await fingerprints.CountAsync() > 0 || (await jobs.GetCountsAsync(null)).Completed > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, await fingerprints.CountAsync());
        Assert.Equal(0, (await jobs.GetCountsAsync(null)).Completed);
        await worker.StopAsync();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Forwards every call to a real job store and counts the job-creating round trips.</summary>
    public class CountingJobStore : DispatchProxy
    {
        private IJobStore _inner = null!;
        private Action _counted = null!;

        internal static IJobStore Create(IJobStore inner, Action counted)
        {
            var proxy = Create<IJobStore, CountingJobStore>();
            var counting = (CountingJobStore)(object)proxy;
            counting._inner = inner;
            counting._counted = counted;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IJobStore.CreateAsync))
            {
                _counted();
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
