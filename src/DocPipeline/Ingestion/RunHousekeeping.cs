using DocPipeline.Configuration;
using DocPipeline.Fingerprints;
using DocPipeline.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Ingestion;

/// <summary>
/// What happens after every ingest run (and daily in a worker): the retention settings take effect and, with
/// <c>DocPipeline:Monitoring:AlertOnFailures</c>, a run with failed sources logs one error. Finished jobs older than
/// <c>DocPipeline:Queue:JobRetentionDays</c> are deleted (a running or pending job never is), and the fingerprints and
/// history of sources not seen for <c>DocPipeline:Fingerprint:RetentionDays</c>. Backups past
/// <c>DocPipeline:IndexManagement:BackupRetentionDays</c> are deleted when the next backup is written into their folder.
/// A failure here is logged and never fails the run.
/// </summary>
internal sealed class RunHousekeeping(
    IJobStore jobs,
    FileFingerprinter fingerprinter,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<RunHousekeeping>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<RunHousekeeping>.Instance;

    /// <summary>Alerts on the run's failures, then applies the retention settings.</summary>
    /// <param name="result">The run's result.</param>
    /// <param name="startedAt">
    /// When the run started: sources it saw are never expired. <see langword="null"/> for a run that saw no sources
    /// (a resume), which expires no fingerprints.
    /// </param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    public async Task AfterRunAsync(IngestResult result, DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        if (result.Failed > 0 && options.Value.Monitoring.AlertOnFailures)
        {
            RunHousekeepingLog.RunHadFailures(_logger, result.Failed, result.Total);
        }

        await ApplyRetentionAsync(startedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the finished jobs and the fingerprints past their retention.</summary>
    /// <param name="seenSince">Sources seen at or after this time keep their fingerprints whatever the retention; <see langword="null"/> expires none.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    public async Task ApplyRetentionAsync(DateTimeOffset? seenSince, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            var jobDays = settings.Queue.JobRetentionDays;
            var purged = await jobs.PurgeAsync(time.GetUtcNow() - TimeSpan.FromDays(jobDays), cancellationToken).ConfigureAwait(false);
            RunHousekeepingLog.JobsPurged(_logger, purged, jobDays);

            if (seenSince is { } since)
            {
                var removed = await fingerprinter.RemoveExpiredAsync(since, cancellationToken).ConfigureAwait(false);
                RunHousekeepingLog.FingerprintsExpired(_logger, removed, settings.Fingerprint.RetentionDays);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RunHousekeepingLog.RetentionFailed(_logger, ex);
        }
    }
}
