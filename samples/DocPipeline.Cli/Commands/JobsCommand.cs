using System.CommandLine;
using System.Globalization;
using DocPipeline.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// <c>docpipe jobs list|show|cancel|retry|purge|pause|resume</c>: inspect and control the durable job queue. Every
/// subcommand opens only the job store (see <see cref="StoreRunner"/>). An unknown job id exits with 2.
/// </summary>
internal static class JobsCommand
{
    /// <summary>Who pauses or resumes from this tool, as the job store records it.</summary>
    private static string Operator => $"docpipe on {Environment.MachineName} (pid {Environment.ProcessId})";

    private static readonly string[] Statuses = ["pending", "processing", "completed", "failed", "cancelled"];

    public static Command Create(CliOptions common)
    {
        var command = new Command("jobs", "List, inspect, cancel, retry, purge, pause and resume the queued jobs.");
        command.Subcommands.Add(List(common));
        command.Subcommands.Add(Show(common));
        command.Subcommands.Add(Cancel(common));
        command.Subcommands.Add(Retry(common));
        command.Subcommands.Add(Purge(common));
        command.Subcommands.Add(Pause(common));
        command.Subcommands.Add(Resume(common));
        return command;
    }

    private static Command List(CliOptions common)
    {
        var status = new Option<string?>("--status") { Description = "Only jobs in this state." }.AcceptOnlyFromAmong(Statuses);
        var document = new Option<string?>("--document") { Description = "Only the jobs of this document id." };
        var limit = new Option<int>("--limit") { Description = "At most this many jobs, newest first (1-100000).", DefaultValueFactory = _ => 50 }.Within(1, 100_000);
        var command = new Command("list", "List jobs, newest first.") { status, document, limit };
        command.SetAction((parse, cancellationToken) => RunAsync(common, parse, async (store, output, ct) =>
        {
            var query = new JobQuery
            {
                Status = parse.GetValue(status) is { } word ? ParseStatus(word) : null,
                DocumentId = parse.GetValue(document),
                Limit = parse.GetValue(limit),
            };
            var jobs = await store.ListAsync(query, ct);
            var pause = await store.GetPauseStateAsync(ct);
            if (output.IsJson)
            {
                CliJson.Write(new { Jobs = jobs, jobs.Count, Queue = pause });
                return ExitCodes.Success;
            }

            output.Line(PauseLine(pause));
            if (jobs.Count == 0)
            {
                output.Line("No jobs.");
            }

            foreach (var job in jobs)
            {
                var error = job.Error is null ? string.Empty : $"  {Shorten(job.Error, 80)}";
                output.Line($"{job.Id}  {Word(job.Status),-10} {Word(job.Type),-6} attempts {job.Attempts}/{job.MaxAttempts}  {job.DocumentId}  {job.Source}{error}");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Show(CliOptions common)
    {
        var id = new Argument<string>("job-id") { Description = "The job id (from 'docpipe jobs list')." };
        var command = new Command("show", "Show one job: document, source, type, priority, attempts, every error with its time, checkpoint, lease.") { id };
        command.SetAction((parse, cancellationToken) => RunAsync(common, parse, async (store, output, ct) =>
        {
            var jobId = parse.GetValue(id)!;
            if (await store.GetAsync(jobId, ct) is not { } job)
            {
                return UnknownJob(output, jobId);
            }

            var errors = await store.ListErrorsAsync(jobId, ct);
            if (output.IsJson)
            {
                CliJson.Write(new { Job = job, Errors = errors });
                return ExitCodes.Success;
            }

            ShowText(job, errors, output);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Cancel(CliOptions common)
    {
        var id = new Argument<string?>("job-id") { Description = "The job to cancel.", Arity = ArgumentArity.ZeroOrOne };
        var document = new Option<string?>("--document") { Description = "Cancel the active jobs of this document id." };
        var allPending = new Option<bool>("--all-pending") { Description = "Cancel every pending job (running jobs go on)." };
        var command = new Command("cancel", "Cancel a job (a running one stops at its next checkpoint), a document's jobs, or every pending job.") { id, document, allPending };
        command.Validators.Add(result => ExactlyOne(result, "Give one of <job-id>, --document ID or --all-pending.", result.GetValue(id) is not null, result.GetValue(document) is not null, result.GetValue(allPending)));
        command.SetAction((parse, cancellationToken) => RunAsync(common, parse, async (store, output, ct) =>
        {
            var results = new List<JobCancelResult>();
            if (parse.GetValue(allPending))
            {
                results.AddRange(Enumerable.Repeat(JobCancelResult.Cancelled, await store.CancelAllPendingAsync(ct)));
            }
            else if (parse.GetValue(document) is { } documentId)
            {
                var active = (await store.ListAsync(new JobQuery { DocumentId = documentId, Limit = 1000 }, ct))
                    .Where(j => j.Status is JobStatus.Pending or JobStatus.Processing);
                foreach (var job in active)
                {
                    results.Add(await store.CancelAsync(job.Id, ct));
                }
            }
            else
            {
                var jobId = parse.GetValue(id)!;
                var result = await store.CancelAsync(jobId, ct);
                if (result == JobCancelResult.NotFound)
                {
                    return UnknownJob(output, jobId);
                }

                results.Add(result);
            }

            var cancelled = results.Count(r => r == JobCancelResult.Cancelled);
            var requested = results.Count(r => r == JobCancelResult.CancelRequested);
            var finished = results.Count(r => r == JobCancelResult.AlreadyFinished);
            if (output.IsJson)
            {
                output.WriteJson(new { Cancelled = cancelled, CancelRequested = requested, AlreadyFinished = finished });
            }
            else
            {
                output.Line($"Cancelled {cancelled} jobs; asked {requested} running jobs to stop at their next checkpoint; {finished} had already finished.");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Retry(CliOptions common)
    {
        var id = new Argument<string?>("job-id") { Description = "The failed or cancelled job to run again.", Arity = ArgumentArity.ZeroOrOne };
        var failed = new Option<bool>("--failed") { Description = "Run every failed job again." };
        var command = new Command("retry", "Queue failed (or cancelled) jobs again with a fresh attempt budget; a running 'docpipe batch --resume-jobs' or worker picks them up.") { id, failed };
        command.Validators.Add(result => ExactlyOne(result, "Give <job-id> or --failed.", result.GetValue(id) is not null, result.GetValue(failed)));
        command.SetAction((parse, cancellationToken) => RunAsync(common, parse, async (store, output, ct) =>
        {
            int retried;
            if (parse.GetValue(failed))
            {
                retried = await store.RetryFailedAsync(ct);
            }
            else
            {
                var jobId = parse.GetValue(id)!;
                if (await store.GetAsync(jobId, ct) is not { } job)
                {
                    return UnknownJob(output, jobId);
                }

                if (!await store.RetryAsync(jobId, ct))
                {
                    return output.Error($"Job {jobId} is {Word(job.Status)}: only failed or cancelled jobs can be retried.", ExitCodes.PartialFailure);
                }

                retried = 1;
            }

            if (output.IsJson)
            {
                output.WriteJson(new { Retried = retried });
            }
            else
            {
                output.Line($"Queued {retried} jobs again with a fresh attempt budget. 'docpipe batch --resume-jobs' runs them (or a running worker does).");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Purge(CliOptions common)
    {
        var olderThan = new Option<string>("--older-than") { Description = "Delete jobs that finished longer ago than this: 30d, 12h, 90m or 45s.", Required = true };
        olderThan.Validators.Add(result =>
        {
            if (TryParseAge(result.GetValueOrDefault<string>(), out _) is false)
            {
                result.AddError($"--older-than takes a number and a unit, d, h, m or s (for example 30d); '{result.GetValueOrDefault<string>()}' is not one.");
            }
        });
        var status = new Option<string?>("--status") { Description = "Only jobs in this finished state (default: all three)." }.AcceptOnlyFromAmong("completed", "failed", "cancelled");
        var command = new Command("purge", "Delete finished jobs (completed, failed, cancelled) older than an age.") { olderThan, status };
        command.SetAction((parse, cancellationToken) => RunAsync(common, parse, async (store, output, ct) =>
        {
            TryParseAge(parse.GetValue(olderThan), out var age);
            var cutoff = TimeProvider.System.GetUtcNow() - age;
            var word = parse.GetValue(status);
            var purged = word is null
                ? await store.PurgeAsync(cutoff, ct)
                : await store.PurgeAsync(cutoff, ParseStatus(word), ct);
            if (output.IsJson)
            {
                output.WriteJson(new { Purged = purged, FinishedBefore = cutoff, Status = word });
            }
            else
            {
                output.Line($"Deleted {purged} {word ?? "finished"} jobs that finished before {Time(cutoff)}.");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Pause(CliOptions common)
    {
        var now = new Option<bool>("--now") { Description = "Interrupt running jobs at their next checkpoint and give them back (the attempt is not counted)." };
        var command = new Command("pause", "Pause the queue for every process using this data folder; it stays paused, across restarts, until 'docpipe jobs resume'.") { now };
        command.SetAction((parse, cancellationToken) => RunAsync(
            common, parse, async (store, output, ct) => ShowPause(await store.SetPauseStateAsync(true, parse.GetValue(now), Operator, ct), output), cancellationToken));
        return command;
    }

    private static Command Resume(CliOptions common)
    {
        var command = new Command("resume", "Resume the queue: every worker claims jobs again within a second.");
        command.SetAction((parse, cancellationToken) => RunAsync(
            common, parse, async (store, output, ct) => ShowPause(await store.SetPauseStateAsync(false, false, Operator, ct), output), cancellationToken));
        return command;
    }

    private static void ShowText(JobRecord job, IReadOnlyList<JobError> errors, CliOutput output)
    {
        output.Line($"job          {job.Id} ({Word(job.Status)}, {Word(job.Type)}, priority {job.Priority})");
        output.Line($"document     {job.DocumentId}");
        output.Line($"source       {job.Source}");
        output.Line($"attempts     {job.Attempts} of {job.MaxAttempts}{(job.Status == JobStatus.Pending && job.Attempts > 0 ? $", next at {Time(job.NextAttemptAt)}" : string.Empty)}");
        output.Line($"created      {Time(job.CreatedAt)}; updated {Time(job.UpdatedAt)}{(job.FinishedAt is { } f ? $"; finished {Time(f)}" : string.Empty)}");
        output.Line($"checkpoint   {job.Checkpoint ?? "none"}");
        var lease = job.LeaseOwner is null ? "none" : job.LeaseExpiresAt is { } e ? $"held by {job.LeaseOwner}, expires {Time(e)}" : $"none (last held by {job.LeaseOwner})";
        output.Line($"lease        {lease}{(job.CancelRequested ? "; cancel requested" : string.Empty)}");
        output.Line($"errors       {(errors.Count == 0 ? "none" : errors.Count.ToString(CultureInfo.InvariantCulture))}");
        foreach (var error in errors)
        {
            output.Line($"  attempt {error.Attempt} at {Time(error.At)}: {error.Message}");
        }

        if (job.Error is not null && errors.Count == 0)
        {
            output.Line($"note         {job.Error}");
        }
    }

    private static string Word<T>(T value)
        where T : struct, Enum => CliJson.Word(value);

    private static JobStatus ParseStatus(string word) => Enum.Parse<JobStatus>(word, ignoreCase: true);

    private static int ShowPause(QueuePauseState state, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(state);
        }
        else
        {
            output.Line(PauseLine(state));
        }

        return ExitCodes.Success;
    }

    private static string PauseLine(QueuePauseState state) => state switch
    {
        { IsPaused: false } => "The queue is running.",
        { InterruptRunning: true } => $"The queue is paused (since {Time(state.ChangedAt)} by {state.ChangedBy ?? "unknown"}); running jobs are interrupted and given back. 'docpipe jobs resume' resumes it.",
        _ => $"The queue is paused (since {Time(state.ChangedAt)} by {state.ChangedBy ?? "unknown"}); running jobs finish, no new job starts. 'docpipe jobs resume' resumes it.",
    };

    private static Task<int> RunAsync(CliOptions common, ParseResult parse, Func<IJobStore, CliOutput, CancellationToken, Task<int>> command, CancellationToken cancellationToken) =>
        StoreRunner.RunAsync(common, parse, (services, output, ct) => command(services.GetRequiredService<IJobStore>(), output, ct), cancellationToken);

    private static int UnknownJob(CliOutput output, string jobId) =>
        output.Error($"There is no job '{jobId}'. 'docpipe jobs list' shows the jobs.", ExitCodes.Usage);

    private static void ExactlyOne(System.CommandLine.Parsing.CommandResult result, string message, params bool[] given)
    {
        if (given.Count(g => g) != 1)
        {
            result.AddError(message);
        }
    }

    /// <summary>Parses an age such as <c>30d</c>, <c>12h</c>, <c>90m</c> or <c>45s</c> (a positive whole number and a unit).</summary>
    internal static bool TryParseAge(string? text, out TimeSpan age)
    {
        age = TimeSpan.Zero;
        if (text is not { Length: >= 2 } || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            return false;
        }

        var unit = text[^1] switch { 'd' => TimeSpan.FromDays(1), 'h' => TimeSpan.FromHours(1), 'm' => TimeSpan.FromMinutes(1), 's' => TimeSpan.FromSeconds(1), _ => TimeSpan.Zero };
        if (unit == TimeSpan.Zero || count > TimeSpan.MaxValue.Ticks / unit.Ticks / 2)
        {
            return false;
        }

        age = unit * count;
        return true;
    }

    private static string Time(DateTimeOffset? time) => time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";

    private static string Shorten(string text, int length)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= length ? flat : flat[..length] + "…";
    }
}
