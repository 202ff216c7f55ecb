using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace DocPipeline.Cli.Tests.Configuration;

/// <summary>The plan's config.yaml, as written, drives a batch: every one of its keys shows in what the runs do.</summary>
public sealed class PlanFileTests : IDisposable
{
    private const string PlanFile = """
        queue:            {max_concurrent: 10, job_persistence: true, job_storage_path: ./jobs.db, job_retention_days: 30, chunk_size: 100, default_priority: 0}
        fingerprint:      {enabled: true, storage_path: ./fingerprints.db, retention_days: 90, include_metadata: true}
        index_management: {consistency_checks: true, auto_backup: true, backup_path: ./backups, backup_retention_days: 90, rebuild_on_corruption: true}
        monitoring:       {detailed_progress: true, performance_metrics: true, resource_monitoring: true, alert_on_failures: true}

        """;

    private readonly ConfigFolder _folder = new();

    [Fact]
    public async Task Batch_ThePlansFile_EveryKeyTakesEffect()
    {
        _folder.Write("config.yaml", PlanFile);
        var sources = _folder.Sources(3);

        // max_concurrent, job_persistence, job_storage_path, storage_path, detailed_progress, performance_metrics, resource_monitoring
        var first = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash", "--verbose");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("up to 10 jobs at a time", first.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(_folder.File("jobs.db")) && !File.Exists(_folder.File(".docpipeline/jobs.db")), first.ToString());
        Assert.True(File.Exists(_folder.File("fingerprints.db")) && !File.Exists(_folder.File(".docpipeline/fingerprints.db")), first.ToString());
        Assert.Contains("processing: 3/3 done", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("throughput: ", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("resources: peak working set ", first.Stdout, StringComparison.Ordinal);

        // default_priority (0) and job_retention_days (30: the run's finished jobs are kept)
        Assert.Equal([0L], Query(_folder.File("jobs.db"), "SELECT DISTINCT priority FROM jobs"));
        Assert.Equal(3, await CompletedJobsAsync());

        // chunk_size is the queue's batch size (its effect on store round trips: YamlConfigurationTests)
        var show = await _folder.RunAsync("config", "show", "--json");
        var batchSize = show.Json().GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "Queue:BatchSize");
        Assert.Equal("100", batchSize.GetProperty("value").GetString());

        // enabled: unchanged sources are skipped without a job
        var second = await BatchJsonAsync(sources);
        Assert.Equal(3, second.GetProperty("skipped").GetInt32());
        Assert.Equal(3, await CompletedJobsAsync());

        // include_metadata: a touch is a metadata change, processed by a job that reuses the stored chunk
        File.SetLastWriteTimeUtc(_folder.File("src/doc0.txt"), DateTime.UtcNow.AddHours(1));
        var touched = await BatchJsonAsync(sources);
        Assert.Equal(1, touched.GetProperty("chunks_reused").GetInt32());
        Assert.Equal(4, await CompletedJobsAsync());

        // retention_days (90): a run that sees one source keeps the fingerprints of the others
        await BatchJsonAsync(_folder.File("src/doc0.txt"));
        Assert.Equal([3L], Query(_folder.File("fingerprints.db"), "SELECT COUNT(*) FROM fingerprints"));

        // alert_on_failures
        _folder.Write("src/empty.txt", string.Empty);
        var failed = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash");
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains("ALERT: 1 of 4 sources failed in this run", failed.Stderr, StringComparison.Ordinal);

        // auto_backup into backup_path; backup_retention_days deletes the old automatic backups there, never the new one
        var rebuild = await _folder.RunAsync("manage", "--rebuild-index", "vector", "--embedder", "hash", "--json");
        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        var backup = rebuild.Json().GetProperty("backup_path").GetString()!;
        Assert.Equal(_folder.File("backups"), Path.GetDirectoryName(backup));
        var old = _folder.File("backups/docpipeline-20200101T000000000Z.tar.gz");
        File.Copy(backup, old);
        var again = await _folder.RunAsync("manage", "--rebuild-index", "vector", "--embedder", "hash", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.False(File.Exists(old), again.ToString());
        Assert.True(File.Exists(backup) && File.Exists(again.Json().GetProperty("backup_path").GetString()), again.ToString());

        // rebuild_on_corruption: a damaged vector index is rebuilt from the registry rather than refused
        foreach (var file in Directory.GetFiles(_folder.File(".docpipeline/vectors")))
        {
            await File.WriteAllBytesAsync(file, new byte[100]);
        }

        // (by the next writer: a read-only command such as search never rebuilds, see "Many processes on one data folder")
        var writer = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash", "--verbose");
        Assert.Contains("The vector index cannot be opened and is rebuilt from the registry", writer.Stderr, StringComparison.Ordinal);
        var search = await _folder.RunAsync("search", "Document", "--embedder", "hash");
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Contains("doc0.txt", search.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_ThePlansFileWithOtherValues_TheRunsChangeAccordingly()
    {
        _folder.Write("config.yaml", PlanFile
            .Replace("max_concurrent: 10", "max_concurrent: 3", StringComparison.Ordinal)
            .Replace("default_priority: 0", "default_priority: 7", StringComparison.Ordinal)
            .Replace("enabled: true", "enabled: false", StringComparison.Ordinal)
            .Replace("retention_days: 90, include", "retention_days: 0, include", StringComparison.Ordinal)
            .Replace("auto_backup: true", "auto_backup: false", StringComparison.Ordinal)
            .Replace("rebuild_on_corruption: true", "rebuild_on_corruption: false", StringComparison.Ordinal)
            .Replace(": true}", ": false}", StringComparison.Ordinal)
            .Replace("detailed_progress: true, performance_metrics: true, resource_monitoring: true", "detailed_progress: false, performance_metrics: false, resource_monitoring: false", StringComparison.Ordinal));
        var sources = _folder.Sources(3);

        var first = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash", "--verbose");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("up to 3 jobs at a time", first.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("throughput: ", first.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("resources: ", first.Stdout, StringComparison.Ordinal);
        Assert.Equal([7L], Query(_folder.File("jobs.db"), "SELECT DISTINCT priority FROM jobs"));

        // enabled: false: every source gets a job again, unchanged or not
        await BatchJsonAsync(sources);
        Assert.Equal(6, await CompletedJobsAsync());

        // job_retention_days: 0 deletes the run's finished jobs when it ends
        await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash", "--set", "queue.job_retention_days=0");
        Assert.Equal(0, await CompletedJobsAsync());

        // retention_days: 0: a run that sees one source removes the fingerprints of the others
        await BatchJsonAsync(_folder.File("src/doc0.txt"));
        Assert.Equal([1L], Query(_folder.File("fingerprints.db"), "SELECT COUNT(*) FROM fingerprints"));

        // alert_on_failures: false
        _folder.Write("src/empty.txt", string.Empty);
        var failed = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash");
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.DoesNotContain("ALERT", failed.Stderr, StringComparison.Ordinal);

        // auto_backup: false
        var rebuild = await _folder.RunAsync("manage", "--rebuild-index", "vector", "--embedder", "hash", "--json");
        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.Equal(JsonValueKind.Null, rebuild.Json().GetProperty("backup_path").ValueKind);
        Assert.False(Directory.Exists(_folder.File("backups")));

        // rebuild_on_corruption: false: a damaged index is refused
        foreach (var file in Directory.GetFiles(_folder.File(".docpipeline/vectors")))
        {
            await File.WriteAllBytesAsync(file, new byte[100]);
        }

        var writer = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash");
        Assert.True(writer.ExitCode == 3, writer.ToString());
        Assert.Contains("RebuildOnCorruption", writer.Stderr + writer.Stdout, StringComparison.Ordinal);
    }

    private static List<long> Query(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<long>();
        while (reader.Read())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    private async Task<JsonElement> BatchJsonAsync(string sources)
    {
        var run = await _folder.RunAsync("batch", "--src", sources, "--embedder", "hash", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Json();
    }

    private async Task<int> CompletedJobsAsync()
    {
        var run = await _folder.RunAsync("batch", "--status", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Json().GetProperty("completed").GetInt32();
    }

    public void Dispose() => _folder.Dispose();
}
