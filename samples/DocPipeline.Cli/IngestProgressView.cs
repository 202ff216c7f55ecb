using DocPipeline.Ingestion;
using Spectre.Console;

namespace DocPipeline.Cli;

/// <summary>
/// Shows a run's progress: a bar on a terminal, a plain line every few seconds when output is redirected (Spectre's
/// bar prints nothing then), nothing at all with <c>--json</c>.
/// </summary>
internal static class IngestProgressView
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    /// <param name="detailed">Print every report when output is redirected (<c>DocPipeline:Monitoring:DetailedProgress</c>), not one every few seconds.</param>
    public static async Task<IngestResult> RunAsync(CliOutput output, IngestOptions options, bool detailed, Func<IngestOptions, Task<IngestResult>> run)
    {
        if (output.IsJson)
        {
            return await run(options);
        }

        if (!CliOutput.IsInteractive)
        {
            var last = DateTime.MinValue;
            var lastLine = string.Empty;
            options.Progress = new SynchronousProgress(p =>
            {
                var now = DateTime.UtcNow;
                var line = Describe(p);
                if (detailed ? line != lastLine : now - last >= LineInterval)
                {
                    (last, lastLine) = (now, line);
                    Console.Out.WriteLine(line);
                }
            });
            return await run(options);
        }

        IngestResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("discovering", maxValue: 1);
                options.Progress = new SynchronousProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.Discovered);
                    task.Value = p.Finished;
                    task.Description = Describe(p);
                });
                result = await run(options);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static string Describe(IngestProgress p) =>
        $"{(p.DiscoveryComplete ? "processing" : "discovering")}: {p.Finished}/{p.Discovered} done " +
        $"(added {p.Added}, updated {p.Updated}, skipped {p.Skipped}, failed {p.Failed}, chunks embedded {p.ChunksEmbedded})";

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class SynchronousProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        private readonly Lock _lock = new();

        public void Report(IngestProgress value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}
