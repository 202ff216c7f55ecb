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

    public static void Record(JobOutcome outcome)
    {
        Documents.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Kind));
        ChunksEmbedded.Add(outcome.Embedded);
        ChunksReused.Add(outcome.Reused);
    }
}
