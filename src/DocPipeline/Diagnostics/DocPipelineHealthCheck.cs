using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Jobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DocPipeline.Diagnostics;

/// <summary>
/// Reports the pipeline's health: <c>Unhealthy</c> when the job store or an index cannot be read, <c>Degraded</c>
/// when jobs failed or a backlog built up past the thresholds of <see cref="MonitoringOptions"/>, else <c>Healthy</c>,
/// with the job counts and index sizes as data.
/// </summary>
internal sealed class DocPipelineHealthCheck(IJobStore jobs, IVectorIndex vectorIndex, IKeywordIndex keywordIndex, IOptions<DocPipelineOptions> options, Monitoring.AlertState? alerts = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        JobStatusCounts counts;
        IndexStatistics vectors;
        IndexStatistics keywords;
        try
        {
            counts = await jobs.GetCountsAsync(null, cancellationToken).ConfigureAwait(false);
            vectors = await vectorIndex.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            keywords = await keywordIndex.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["pending"] = counts.Pending,
            ["processing"] = counts.Processing,
            ["completed"] = counts.Completed,
            ["failed"] = counts.Failed,
            ["cancelled"] = counts.Cancelled,
            ["vector_chunks"] = vectors.Entries,
            ["keyword_chunks"] = keywords.Entries,
        };
        var thresholds = options.Value.Monitoring;
        var problems = new List<string>();
        if (counts.Failed >= thresholds.FailedJobsDegradedThreshold)
        {
            problems.Add($"{counts.Failed} failed job(s)");
        }

        if (counts.Pending >= thresholds.PendingJobsDegradedThreshold)
        {
            problems.Add($"{counts.Pending} pending job(s)");
        }

        if (vectors.Entries != keywords.Entries)
        {
            problems.Add($"the vector index holds {vectors.Entries} chunks and the keyword index {keywords.Entries}");
        }

        // Incidents this process's workers raised (Monitoring:AlertOnFailures) that the checks above do not already name.
        problems.AddRange((alerts?.Open ?? new Dictionary<string, string>()).Where(i => i.Key != "failed_jobs").Select(i => i.Value.TrimEnd('.')));

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{counts.Pending} pending, {counts.Processing} processing, {vectors.Entries} chunks indexed.", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems) + ".", data: data);
    }
}
