using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Search;

namespace DocPipeline;

/// <summary>The entry point of a DocPipeline instance: ingest sources into both indexes, and search them.</summary>
public interface IDocPipeline
{
    /// <summary>
    /// Brings the indexes in step with <paramref name="sources"/>: unchanged sources are skipped after a <c>stat</c>,
    /// new ones added, changed ones updated (only chunks whose text changed are embedded). Each source is a file, a
    /// folder (all files below it), or a glob such as <c>docs/**/*.pdf</c>. A source that fails does not stop the run.
    /// </summary>
    /// <param name="sources">The sources; enumerated lazily.</param>
    /// <param name="options">The run options.</param>
    /// <param name="cancellationToken">Stops the run; jobs already queued stay queued and resume later.</param>
    /// <returns>What happened to every source.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its allowed range (the message names it, for example <c>IngestOptions.MaxConcurrent</c>); nothing was touched.</exception>
    Task<IngestResult> IngestAsync(IEnumerable<string> sources, IngestOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finishes work left by an interrupted run: jobs of a crashed process (on this machine their leases are released
    /// at once; elsewhere when they expire), jobs waiting for a retry, and jobs queued but not started.
    /// </summary>
    /// <param name="options">The run options (<see cref="IngestOptions.MaxConcurrent"/> and <see cref="IngestOptions.Progress"/> apply).</param>
    /// <param name="cancellationToken">Stops processing; unfinished jobs stay queued.</param>
    /// <returns>What happened to the jobs processed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its allowed range (the message names it, for example <c>IngestOptions.MaxConcurrent</c>); nothing was touched.</exception>
    Task<IngestResult> ResumeAsync(IngestOptions options, CancellationToken cancellationToken = default);

    /// <summary>Counts the jobs in the queue by state.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The counts.</returns>
    Task<JobStatusCounts> GetQueueStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Searches the indexes.</summary>
    /// <param name="query">What the user typed.</param>
    /// <param name="options">How many hits, from which index.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The hits, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its allowed range (the message names it, for example <c>SearchOptions.TopK</c>); nothing was touched.</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchOptions options, CancellationToken cancellationToken = default);
}
