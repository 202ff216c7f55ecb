using System.Diagnostics.Metrics;
using DocPipeline.Diagnostics;

namespace DocPipeline.Queue;

/// <summary>The document queue's instruments on the shared <c>DocPipeline</c> meter.</summary>
internal static class QueueInstruments
{
    public static readonly Counter<long> Started = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.jobs.started", "{job}", "Jobs a queue started running.");

    public static readonly Counter<long> Completed = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.jobs.completed", "{job}", "Jobs that finished successfully.");

    public static readonly Counter<long> Failed = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.jobs.failed", "{job}", "Jobs that failed for good (no attempts left, or a permanent error).");

    public static readonly Counter<long> Retried = DocPipelineDiagnostics.Meter.CreateCounter<long>(
        "docpipeline.jobs.retried", "{job}", "Failed attempts that were scheduled for a retry with backoff.");

    public static readonly Histogram<double> Duration = DocPipelineDiagnostics.Meter.CreateHistogram<double>(
        "docpipeline.jobs.duration", "s", "How long one attempt of a job ran, tagged with its outcome.");
}
