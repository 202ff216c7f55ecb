using System.Collections.Concurrent;

namespace DocPipeline.Ingestion;

/// <summary>
/// Routes job outcomes to the run in this process that created the job, so its result and progress see them. A job
/// created by another process (or by a run that has ended) still completes; it is simply not tallied here.
/// </summary>
internal sealed class IngestionRunRegistry
{
    private readonly ConcurrentDictionary<string, IngestionRun> _runs = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the run that tallies jobs of any batch (a resume run), if one is going.</summary>
    public IngestionRun? CatchAll { get; set; }

    public void Add(IngestionRun run) => _runs[run.BatchId] = run;

    public void Remove(IngestionRun run) => _runs.TryRemove(new KeyValuePair<string, IngestionRun>(run.BatchId, run));

    public IngestionRun? Find(string? batchId) =>
        batchId is not null && _runs.TryGetValue(batchId, out var run) ? run : CatchAll;
}
