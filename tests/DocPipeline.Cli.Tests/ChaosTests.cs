using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DocPipeline.Indexing;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DocPipeline.Cli.Tests;

/// <summary>
/// The chaos run of the plan: 5,000 documents, an embedder that fails 10% of its calls at random (a transient error),
/// the batch process killed (SIGKILL) five times at random moments and restarted each time as a supervisor would
/// (the same command again, no hand on the keyboard). At least 99.9% of the documents must end indexed, none twice,
/// and <c>docpipe manage --verify-consistency</c> must find the data folder consistent.
/// </summary>
/// <remarks>
/// The batch runs in <c>DocPipeline.TestWorker batch</c>, a test-only host doing what <c>docpipe batch</c> does with
/// the hashing embedder wrapped in a faulty one; the queue settings are the defaults. The seed comes from
/// <c>DOCPIPELINE_CHAOS_SEED</c> when set (to replay a run), else it is new each run; it is printed, with the kill
/// moments and the measured rates (<c>dotnet test … --logger "console;verbosity=detailed"</c> shows them).
/// </remarks>
public sealed class ChaosTests(ITestOutputHelper output) : IDisposable
{
    private const int Documents = 5000;
    private const double FailureRate = 0.1;
    private const int Kills = 5;
    private const double CompletionTarget = 0.999;

    // Each kill comes after a random number of completed jobs within its fifth of the first 90% of the corpus, so the
    // kills spread over the run and each is reached even when a few documents fail for good.
    private const double KilledShare = 0.9;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly TestDirectory _directory = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task Batch_FlakyEmbedderAndFiveKills_CompletesAtLeast999PerMilleWithoutDuplicates()
    {
        var seed = Environment.GetEnvironmentVariable("DOCPIPELINE_CHAOS_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        Log($"seed {seed} (replay with DOCPIPELINE_CHAOS_SEED={seed})");
        var random = new Random(seed);
        var source = WriteCorpus(_directory.File("src"), random);
        var data = _directory.File("data");
        var killAt = Enumerable.Range(0, Kills).Select(i => (long)(Documents * KilledShare * (i + random.NextDouble()) / Kills)).ToList();
        Log($"{Documents} documents written; kills after {string.Join(", ", killAt)} completed jobs");

        var (exitCode, runs) = await SuperviseAsync(data, source, killAt, seed);

        Assert.True(exitCode is 0 or 1, $"The last run exited with {exitCode}.\n{Transcript()}");
        Assert.True(runs == Kills + 1, $"Only {runs - 1} of {Kills} kills happened: the batch finished first.\n{Transcript()}");
        var contents = await DataFolderContents.ReadAsync(data);
        var jobs = await ListJobsAsync(data);
        var sources = Directory.GetFiles(source).ToHashSet(StringComparer.Ordinal);
        var completedPerDocument = jobs.Where(j => j.Status == JobStatus.Completed).GroupBy(j => j.DocumentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var completedSources = jobs.Where(j => j.Status == JobStatus.Completed).Select(j => j.Source).Distinct(StringComparer.Ordinal).Count(sources.Contains);
        var rate = (double)completedSources / Documents;
        var notCompleted = jobs.Where(j => !completedPerDocument.ContainsKey(j.DocumentId)).GroupBy(j => j.Source, StringComparer.Ordinal)
            .Select(g => $"{Path.GetFileName(g.Key)}: {string.Join("; ", g.OrderBy(j => j.Sequence).Select(j => $"{j.Status} after {j.Attempts} attempt(s): {j.Error}"))}").ToList();
        // A job that finds its document already indexed with the same bytes completes as "unchanged", a no-op: a job
        // queued while a killed run's job of the document was taken over (a restarted batch queues every document it
        // has no fingerprint for), or a killed job that had indexed the document before its completion was recorded.
        var writtenTwice = jobs.Where(j => j.Status == JobStatus.Completed && Kind(j) != "unchanged").GroupBy(j => j.DocumentId, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var noOpCompletions = jobs.Count(j => j.Status == JobStatus.Completed && Kind(j) == "unchanged");
        var duplicatedChunks = DuplicatedChunks(contents);
        var chunkCountMismatches = ChunkCountMismatches(contents);
        var verify = await Consistency.Docpipe.RunJsonAsync("manage", "--verify-consistency", "--data", data);
        Log($"jobs completed for {completedSources} of {Documents} documents = {rate:P2}; {jobs.Count} jobs: " +
            string.Join(", ", jobs.GroupBy(j => j.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")));
        Log($"documents added or updated by more than one job: {writtenTwice.Count}; completions as unchanged (a no-op: the document was already indexed): {noOpCompletions}; " +
            $"chunks more than once in an index: {duplicatedChunks.Count}; " +
            $"documents whose chunk counts differ between registry and indexes: {chunkCountMismatches.Count}");
        Log($"verify: exit {verify.ExitCode}, consistent {verify.Json.GetProperty("consistent")}; registry chunks {verify.Json.GetProperty("registry_chunks")}");
        foreach (var line in notCompleted)
        {
            Log($"not completed: {line}");
        }

        Log($"total {_clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var line in _log.Where(l => !l.Contains("warn:", StringComparison.Ordinal) && !l.Contains("fail:", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        Assert.True(rate >= CompletionTarget, $"Only {rate:P2} of the jobs completed, below {CompletionTarget:P1}.\n{Transcript()}");
        var left = jobs.Where(j => j.Status is JobStatus.Pending or JobStatus.Processing).ToList();
        Assert.True(left.Count == 0, $"{left.Count} jobs are still pending or processing after the last run, such as {left.Select(Describe).FirstOrDefault()}.\n{Transcript()}");
        Assert.True(writtenTwice.Count == 0, $"{writtenTwice.Count} documents were indexed by more than one job, such as {writtenTwice.FirstOrDefault()}: " +
            string.Join("; ", jobs.Where(j => j.DocumentId == writtenTwice.FirstOrDefault()).OrderBy(j => j.Sequence).Select(Describe)) + $"\n{Transcript()}");
        Assert.True(duplicatedChunks.Count == 0, $"{duplicatedChunks.Count} chunks are in an index more than once: {string.Join(", ", duplicatedChunks.Take(5))}.\n{Transcript()}");
        Assert.True(chunkCountMismatches.Count == 0, $"Chunk counts differ for {chunkCountMismatches.Count} documents: {string.Join("; ", chunkCountMismatches.Take(5))}.\n{Transcript()}");
        Assert.True(verify.ExitCode == 0 && verify.Json.GetProperty("consistent").GetBoolean(), $"verify: {verify.Json}\n{Transcript()}");
        Assert.Equal(completedSources, contents.Documents.Count(d => d.Status == DocumentStatus.Indexed && d.PendingVersion is null));
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Runs the batch, kills it (SIGKILL) once the job store shows each kill's number of completed jobs, and starts the
    /// same command again after every kill, until a run ends by itself. Returns its exit code and the number of runs.
    /// </summary>
    private async Task<(int ExitCode, int Runs)> SuperviseAsync(string data, string source, IReadOnlyList<long> killAt, int seed)
    {
        using var patience = new CancellationTokenSource(Patience);
        ServiceProvider? observer = null;
        try
        {
            for (var run = 0; ; run++)
            {
                using var process = StartWorker(run, "batch", data, FailureRate.ToString(CultureInfo.InvariantCulture), (seed + run).ToString(CultureInfo.InvariantCulture), "--src", source);
                var started = Stopwatch.StartNew();
                if (run >= killAt.Count)
                {
                    await process.WaitForExitAsync(patience.Token);
                    Log($"run {run}: exited with {process.ExitCode} after {started.Elapsed.TotalSeconds:0.0} s");
                    return (process.ExitCode, run + 1);
                }

                // The job store exists once a run has opened it: watch it from here, through the public contract.
                observer ??= await OpenObserverAsync(data, process, patience.Token);
                var jobs = observer.GetRequiredService<IJobStore>();
                while (true)
                {
                    var completed = (await jobs.GetCountsAsync(null, patience.Token)).Completed;
                    if (process.HasExited)
                    {
                        Log($"run {run}: exited with {process.ExitCode} after {started.Elapsed.TotalSeconds:0.0} s, before its kill at {killAt[run]} completed jobs ({completed} completed)");
                        return (process.ExitCode, run + 1);
                    }

                    if (completed >= killAt[run])
                    {
                        process.Kill();
                        await process.WaitForExitAsync(patience.Token);
                        Log($"run {run}: SIGKILL at {completed} completed jobs (target {killAt[run]}), {started.Elapsed.TotalSeconds:0.0} s into the run, {_clock.Elapsed.TotalSeconds:0.0} s into the test");
                        break;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(100), patience.Token);
                }
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            throw new TimeoutException($"The chaos run did not end within {Patience}.\n{Transcript()}");
        }
        finally
        {
            if (observer is not null)
            {
                await observer.DisposeAsync();
            }
        }
    }

    /// <summary>Waits for the worker's first line (its job store is open, so it exists), then opens the job store here.</summary>
    private async Task<ServiceProvider> OpenObserverAsync(string data, Process process, CancellationToken cancellationToken)
    {
        while (!_log.Any(l => l.Contains("run 0: started", StringComparison.Ordinal)))
        {
            if (process.HasExited)
            {
                Assert.Fail($"The first run exited with {process.ExitCode} before it opened the job store.\n{Transcript()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }

        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = data);
        return services.BuildServiceProvider();
    }

    private Process StartWorker(int run, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DocPipeline.TestWorker.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(run, e.Data);
        process.ErrorDataReceived += (_, e) => Record(run, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Record(int run, string? line)
    {
        if (line is not null)
        {
            Log($"run {run}: {line}");
        }
    }

    private void Log(string line) => _log.Enqueue($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {line}");

    /// <summary>The log without the queue's per-retry warnings, which are many and all alike.</summary>
    private string Transcript() => string.Join('\n', _log.Where(l => !l.Contains("warn:", StringComparison.Ordinal)));

    /// <summary>What a completed ingestion job did: added, updated, unchanged or removed (its result's <c>kind</c>).</summary>
    private static string? Kind(JobRecord job)
    {
        if (job.Result is null)
        {
            return null;
        }

        using var result = JsonDocument.Parse(job.Result);
        return result.RootElement.GetProperty("kind").GetString();
    }

    private static string Describe(JobRecord job) =>
        $"job {job.Sequence} {job.Type} of batch {job.BatchId}: {job.Status} after {job.Attempts} attempt(s), created {job.CreatedAt:HH:mm:ss.fff}, " +
        $"finished {job.FinishedAt:HH:mm:ss.fff}, owner {job.LeaseOwner}, result {job.Result}, error {job.Error}";

    private static async Task<IReadOnlyList<JobRecord>> ListJobsAsync(string data)
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = data);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<IJobStore>().ListAsync(new JobQuery { Limit = JobQuery.MaxLimit });
    }

    /// <summary>Chunk ids that one index holds more than once, named with the index.</summary>
    private static List<string> DuplicatedChunks(DataFolderContents contents) =>
        new[] { ("vector", contents.VectorEntries), ("keyword", contents.KeywordEntries) }
            .SelectMany(index => index.Item2.GroupBy(e => e.ChunkId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{index.Item1} {g.Key} ×{g.Count()}"))
            .ToList();

    /// <summary>
    /// Documents whose chunk count in the registry record differs from their committed chunks in the registry or their
    /// entries in either index, or that have index entries but no indexed record.
    /// </summary>
    private static List<string> ChunkCountMismatches(DataFolderContents contents)
    {
        static Dictionary<string, int> PerDocument(IEnumerable<string> documentIds) =>
            documentIds.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var registry = PerDocument(contents.RegistryChunks.Select(c => c.DocumentId));
        var vector = PerDocument(contents.VectorEntries.Select(e => e.DocumentId));
        var keyword = PerDocument(contents.KeywordEntries.Select(e => e.DocumentId));
        var recorded = contents.Documents.Where(d => d.Status == DocumentStatus.Indexed).ToDictionary(d => d.Id, d => d.ChunkCount, StringComparer.Ordinal);
        return recorded.Keys.Concat(registry.Keys).Concat(vector.Keys).Concat(keyword.Keys).Distinct(StringComparer.Ordinal)
            .Select(id => (Id: id, Counts: (recorded.GetValueOrDefault(id, -1), registry.GetValueOrDefault(id), vector.GetValueOrDefault(id), keyword.GetValueOrDefault(id))))
            .Where(d => d.Counts.Item1 < 0 || d.Counts.Item1 != d.Counts.Item2 || d.Counts.Item1 != d.Counts.Item3 || d.Counts.Item1 != d.Counts.Item4)
            .Select(d => $"{d.Id}: record {d.Counts.Item1}, registry {d.Counts.Item2}, vector {d.Counts.Item3}, keyword {d.Counts.Item4}")
            .ToList();
    }

    /// <summary>
    /// Writes <see cref="Documents"/> small documents: plain text, Markdown and HTML of about 100 words (one chunk) each, and
    /// every 100th a copy of a file of the sample corpus (PDF, DOCX and the rest).
    /// </summary>
    private static string WriteCorpus(string folder, Random random)
    {
        string[] words =
        [
            "river", "stone", "lantern", "orchard", "harbour", "meadow", "copper", "glacier", "violin", "compass",
            "the", "a", "of", "and", "keeps", "carries", "under", "beside", "every", "quiet", "bright", "old",
        ];
        var samples = Directory.GetFiles(RepositoryPaths.CorpusDirectory).Order(StringComparer.Ordinal).ToArray();
        Directory.CreateDirectory(folder);
        for (var i = 0; i < Documents; i++)
        {
            if (i % 100 == 99)
            {
                var sample = samples[i / 100 % samples.Length];
                File.Copy(sample, Path.Combine(folder, $"doc-{i:D4}-{Path.GetFileName(sample)}"));
                continue;
            }

            var paragraphs = new List<string>();
            for (var length = 0; length < 500;)
            {
                var sentence = string.Join(' ', Enumerable.Range(0, random.Next(6, 20)).Select(_ => words[random.Next(words.Length)])) + ".";
                paragraphs.Add(sentence);
                length += sentence.Length;
            }

            var (extension, text) = (i % 3) switch
            {
                0 => ("txt", $"Document {i}.\n\n{string.Join("\n\n", paragraphs)}\n"),
                1 => ("md", $"# Document {i}\n\n{string.Join("\n\n", paragraphs.Select((p, n) => n % 4 == 0 ? $"- {p}" : p))}\n"),
                _ => ("html", $"<html><head><title>Document {i}</title></head><body><h1>Document {i}</h1>{string.Concat(paragraphs.Select(p => $"<p>{p}</p>"))}</body></html>"),
            };
            File.WriteAllText(Path.Combine(folder, $"doc-{i:D4}.{extension}"), text, Encoding.UTF8);
        }

        return folder;
    }
}
