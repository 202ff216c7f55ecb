using System.CommandLine;
using DocPipeline.Configuration;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Cli.Commands;

/// <summary><c>docpipe batch</c>: ingest files, folders and globs; resume interrupted jobs; show the queue.</summary>
internal static class BatchCommand
{
    public static Command Create(CliOptions common)
    {
        var sources = new Option<string[]>("--src")
        {
            Description = "A file, a folder (every file below it) or a glob such as 'docs/**/*.pdf'. Repeat for more.",
            AllowMultipleArgumentsPerToken = true,
        };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "Documents processed at the same time, 1-1024 (default: DocPipeline:Queue:MaxConcurrent, 32)." }.Within(1, 1024);
        var mode = new Option<string>("--mode")
        {
            Description = "auto: add new and update changed; add_only; update_only; skip_existing: skip every source already indexed without looking at it.",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "add_only", "update_only", "skip_existing");
        var force = new Option<bool>("--force-reprocess") { Description = "Process every source even when its fingerprint is unchanged." };
        var priority = new Option<int?>("--priority") { Description = "Priority of this run's jobs, -1000 to 1000; higher runs first." }.Within(-1000, 1000);
        var resume = new Option<bool>("--resume-jobs") { Description = "Finish the jobs an interrupted run left (no --src needed)." };
        var status = new Option<bool>("--status") { Description = "Show how many jobs are pending, processing, completed, failed and cancelled." };
        var cleanup = new Option<string>("--cleanup")
        {
            Description = "After the run, remove documents whose source is gone: none; scoped (under this run's folders and globs); full (everything this run did not see).",
            DefaultValueFactory = _ => "none",
        }.AcceptOnlyFromAmong("none", "scoped", "full");
        var forceCleanup = new Option<bool>("--force-cleanup") { Description = "Let --cleanup full delete even after a run with failures." };
        var withKeywords = new Option<bool>("--with-keywords") { Description = "Also write the keyword (BM25) index. Always on: DocPipeline keeps both indexes in step." };

        var command = new Command("batch", "Bring the indexes in step with files, folders and globs.")
        {
            sources, maxConcurrent, mode, force, priority, resume, status, cleanup, forceCleanup, withKeywords,
        };
        command.Validators.Add(result =>
        {
            var given = new[] { result.GetValue(sources) is { Length: > 0 }, result.GetValue(resume), result.GetValue(status) }.Count(b => b);
            if (given == 0)
            {
                result.AddError("Give --src <file|folder|glob>, --resume-jobs or --status.");
            }
            else if (given > 1)
            {
                result.AddError("--src, --resume-jobs and --status cannot be combined; run them one at a time.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            var pipeline = services.GetRequiredService<IDocPipeline>();
            if (parse.GetValue(status))
            {
                return Status(await pipeline.GetQueueStatusAsync(ct), output);
            }

            var options = new IngestOptions
            {
                ForceReprocess = parse.GetValue(force),
                UpdateMode = ParseMode(parse.GetValue(mode)!),
                MaxConcurrent = parse.GetValue(maxConcurrent),
                Priority = parse.GetValue(priority),
                Cleanup = Enum.Parse<CleanupMode>(parse.GetValue(cleanup)!, ignoreCase: true),
                ForceCleanup = parse.GetValue(forceCleanup),
            };
            var monitoring = services.GetRequiredService<IOptions<DocPipelineOptions>>().Value.Monitoring;
            var result = await IngestProgressView.RunAsync(output, options, monitoring.DetailedProgress, o => parse.GetValue(resume)
                ? pipeline.ResumeAsync(o, ct)
                : pipeline.IngestAsync(parse.GetValue(sources)!, o, ct));
            return Report(result, RunMonitoring.Measure(monitoring, result), output);
        }, cancellationToken, readOnly: parse.GetValue(status)));
        return command;
    }

    private static UpdateMode ParseMode(string mode) => mode switch
    {
        "add_only" => UpdateMode.AddOnly,
        "update_only" => UpdateMode.UpdateOnly,
        "skip_existing" => UpdateMode.SkipExisting,
        _ => UpdateMode.Auto,
    };

    private static int Status(JobStatusCounts counts, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new { counts.Pending, counts.Processing, counts.Completed, counts.Failed, counts.Cancelled });
        }
        else
        {
            output.Line($"pending {counts.Pending}, processing {counts.Processing}, completed {counts.Completed}, failed {counts.Failed}, cancelled {counts.Cancelled}");
        }

        return ExitCodes.Success;
    }

    private static int Report(IngestResult result, RunMonitoring monitoring, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                result.Total,
                result.Added,
                result.Updated,
                result.Skipped,
                result.Superseded,
                result.Removed,
                result.Failed,
                Failures = result.Failures.Select(f => new { f.Source, f.Error }),
                SkipReasons = result.SkipReasons.Select(s => new { s.Source, s.Reason }),
                SupersededBy = result.SupersededBy.Select(s => new { s.Source, By = s.Reason }),
                result.ChunksEmbedded,
                result.ChunksReused,
                DurationMs = (long)result.Duration.TotalMilliseconds,
                Embedding = EmbeddingView.Json(result.Embedding),
                monitoring.Throughput,
                monitoring.Resources,
            });
        }
        else
        {
            var superseded = result.Superseded > 0 ? $", {result.Superseded} superseded by newer jobs" : string.Empty;
            output.Line($"{result.Total} sources: {result.Added} added, {result.Updated} updated, {result.Skipped} skipped{superseded}, {result.Removed} removed, {result.Failed} failed");
            output.Line($"{result.ChunksEmbedded} chunks embedded, {result.ChunksReused} reused from the cache, in {result.Duration.TotalSeconds:0.0} s");
            if (result.Embedding.Calls > 0 || result.Embedding.RateLimited > 0)
            {
                output.Line(EmbeddingView.Line(result.Embedding));
            }

            foreach (var line in monitoring.Lines())
            {
                output.Line(line);
            }

            foreach (var skip in result.SkipReasons)
            {
                output.Line($"  skipped {skip.Source}: {skip.Reason}");
            }

            foreach (var taken in result.SupersededBy.Take(10))
            {
                output.Line($"  {taken.Source}: {taken.Reason}");
            }

            foreach (var failure in result.Failures)
            {
                output.Line($"  FAILED  {failure.Source}: {failure.Error}");
            }
        }

        return result.Failed > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
    }
}
