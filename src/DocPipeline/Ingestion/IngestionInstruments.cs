using System.Diagnostics;
using System.Diagnostics.Metrics;
using DocPipeline.Diagnostics;

namespace DocPipeline.Ingestion;

/// <summary>The ingestion metrics of the <c>DocPipeline</c> meter.</summary>
internal static class IngestionInstruments
{
    private static readonly Counter<long> Documents = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.documents", unit: "{document}", description: "Documents processed by ingestion jobs, tagged with the outcome (added, updated, unchanged, removed).");

    private static readonly Counter<long> ChunksEmbedded = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.chunks.embedded", unit: "{chunk}", description: "Chunk texts sent to the embedding generator.");

    private static readonly Counter<long> ChunksReused = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.chunks.reused", unit: "{chunk}", description: "Chunks whose embedding came from the cache.");

    private static readonly Histogram<double> StepDuration = DocPipelineDiagnostics.Meter.CreateHistogram<double>(
        "docpipeline.ingestion.step.duration", unit: "s", description: "How long one step of an ingestion job took, tagged with the step: where a job's time goes.");

    /// <summary>The tag that names the step of a <c>docpipeline.ingestion.step.duration</c> measurement.</summary>
    public const string StepTag = "docpipeline.step";

    /// <summary>Records how long <paramref name="task"/> took as step <paramref name="step"/>, when someone listens.</summary>
    public static Task<T> TimeAsync<T>(string step, Task<T> task) => StepDuration.Enabled ? TimeCoreAsync(step, task) : task;

    /// <inheritdoc cref="TimeAsync{T}(string, Task{T})"/>
    public static Task TimeAsync(string step, Task task) => StepDuration.Enabled ? TimeCoreAsync(step, task) : task;

    private static async Task<T> TimeCoreAsync<T>(string step, Task<T> task)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await task.ConfigureAwait(false);
        StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(StepTag, step));
        return result;
    }

    private static async Task TimeCoreAsync(string step, Task task)
    {
        var started = Stopwatch.GetTimestamp();
        await task.ConfigureAwait(false);
        StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(StepTag, step));
    }

    public static void Record(JobOutcome outcome)
    {
        Documents.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Kind));
        ChunksEmbedded.Add(outcome.Embedded);
        ChunksReused.Add(outcome.Reused);
    }
}
