using DocPipeline.Configuration;
using DocPipeline.Embeddings;
using DocPipeline.Extraction;
using DocPipeline.Fingerprints;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Registry;
using DocPipeline.Search;
using Microsoft.Extensions.Options;

namespace DocPipeline.Ingestion;

/// <summary>
/// Runs ingestion: expands the sources lazily, checks them against their fingerprints in batches (a <c>stat</c> per
/// unchanged file), queues a durable job per new or changed document, and processes the jobs through a
/// <see cref="DocumentQueue"/> while discovery goes on. The run ends when every job it queued has finished, however
/// many attempts that took.
/// </summary>
internal sealed class IngestionEngine(
    IJobStore jobs,
    IDocumentRegistry registry,
    IRunGenerationStore generations,
    FileFingerprinter fingerprinter,
    ExtractorResolver extractors,
    IngestionRunRegistry runs,
    JobBatchProcessor batches,
    IDestructiveChangeGuard guard,
    DocumentSearcher searcher,
    EmbeddingService embeddings,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    RunHousekeeping housekeeping) : IDocPipeline
{
    private const int DiscoveryBatchSize = FileFingerprinter.BatchSize;

    public async Task<IngestResult> IngestAsync(IEnumerable<string> sources, IngestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        OperationOptionsValidator.ThrowIfInvalid(options);

        // A data folder built with another embedder is refused before anything runs, not by every job in turn.
        await embeddings.GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var generation = await generations.BeginRunAsync(cancellationToken).ConfigureAwait(false);
        var startedAt = time.GetUtcNow();
        var run = new IngestionRun(Guid.CreateVersion7().ToString("N"), options.Progress, time) { ReportEveryChange = DetailedProgress, EmbeddingAtStart = embeddings.ReadUsage() };
        runs.Add(run);
        try
        {
            var discovery = new SourceDiscovery([DataDirectory], options.LinkRoots);
            await batches.ProcessAsync(run.BatchId, options.MaxConcurrent, async queue =>
            {
                var batch = new List<string>(DiscoveryBatchSize);
                await foreach (var item in discovery.ExpandAsync(sources, cancellationToken).ConfigureAwait(false))
                {
                    run.Discovered();
                    if (item.Error is not null)
                    {
                        run.Failed(new IngestFailure(item.Path, item.Error));
                        continue;
                    }

                    if (item.SkipReason is not null)
                    {
                        run.Skipped(new IngestSkip(item.Path, item.SkipReason));
                        continue;
                    }

                    batch.Add(item.Path);
                    if (batch.Count == DiscoveryBatchSize)
                    {
                        await EnqueueChangedAsync(batch, run, generation, options, queue, cancellationToken).ConfigureAwait(false);
                        batch.Clear();
                    }
                }

                await EnqueueChangedAsync(batch, run, generation, options, queue, cancellationToken).ConfigureAwait(false);
                run.DiscoveryFinished();
            }, cancellationToken).ConfigureAwait(false);

            var result = await FinishAsync(run, cancellationToken).ConfigureAwait(false);
            result = await CleanUpAsync(result, run, generation, discovery.Scope, options, cancellationToken).ConfigureAwait(false);
            await housekeeping.AfterRunAsync(result, startedAt, cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            runs.Remove(run);
        }
    }

    public async Task<IngestResult> ResumeAsync(IngestOptions options, CancellationToken cancellationToken = default)
    {
        OperationOptionsValidator.ThrowIfInvalid(options);
        await embeddings.GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var run = new IngestionRun("resume", options.Progress, time) { ReportEveryChange = DetailedProgress, EmbeddingAtStart = embeddings.ReadUsage() };
        var startedAt = time.GetUtcNow();
        runs.CatchAll = run;
        try
        {
            run.DiscoveryFinished();
            await batches.CreateQueue(options.MaxConcurrent).RunUntilIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            runs.CatchAll = null;
        }

        var failed = (await jobs.ListAsync(new JobQuery { Status = JobStatus.Failed, Limit = IngestionRun.MaxListed }, cancellationToken).ConfigureAwait(false))
            .Where(j => j.FinishedAt >= startedAt)
            .ToList();
        var result = run.ToResult(failed.Select(j => new IngestFailure(j.Source, j.Error ?? "failed")).ToList(), failed.Count, 0);

        // A resume discovers nothing: its total is the jobs it finished.
        result = result with { Total = result.Added + result.Updated + result.Skipped + result.Failed };
        await housekeeping.AfterRunAsync(result, null, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public Task<JobStatusCounts> GetQueueStatusAsync(CancellationToken cancellationToken = default) => jobs.GetCountsAsync(null, cancellationToken);

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchOptions options, CancellationToken cancellationToken = default) =>
        searcher.SearchAsync(query, options, cancellationToken);

    private string DataDirectory => Path.GetFullPath(options.Value.DataDirectory);

    private bool DetailedProgress => options.Value.Monitoring.DetailedProgress;

    /// <summary>Whether every source is processed, unchanged or not: forced, or fingerprints are off (<c>DocPipeline:Fingerprint:Enabled</c>).</summary>
    private bool ReprocessAll(IngestOptions ingest) => ingest.ForceReprocess || !options.Value.Fingerprint.Enabled;

    /// <summary>
    /// Stale-source cleanup, after the run's own writes finished: removes the documents the run did not see —
    /// under its folders and globs (<see cref="CleanupMode.Scoped"/>) or anywhere (<see cref="CleanupMode.Full"/>).
    /// A full cleanup after a run with failures deletes nothing unless forced: a source that failed to read is not
    /// a source that is gone.
    /// </summary>
    private async Task<IngestResult> CleanUpAsync(
        IngestResult result, IngestionRun run, long generation, CleanupScope scope, IngestOptions options, CancellationToken cancellationToken)
    {
        if (options.Cleanup == CleanupMode.None)
        {
            return result;
        }

        if (options.Cleanup == CleanupMode.Full && result.Failed > 0 && !options.ForceCleanup)
        {
            return result with { CleanupSkipped = $"Full cleanup skipped: the run had {result.Failed} failure(s). Fix them, or force the cleanup." };
        }

        var removals = new List<JobRequest>();
        var cleanupBatch = run.BatchId + "-cleanup";
        await foreach (var document in generations.StreamNotSeenAsync(generation, cancellationToken).ConfigureAwait(false))
        {
            if (options.Cleanup == CleanupMode.Full || scope.Contains(document.Source))
            {
                removals.Add(new JobRequest
                {
                    DocumentId = document.Id,
                    Source = document.Source,
                    Type = JobType.Remove,
                    Priority = options.Priority,
                    BatchId = cleanupBatch,
                });
            }
        }

        if (removals.Count == 0)
        {
            return result;
        }

        if (options.Cleanup == CleanupMode.Full)
        {
            // A full cleanup can remove most of a corpus when it is pointed at the wrong folder: AutoBackup keeps a way back.
            await guard.BeforeDestructiveChangeAsync($"a full cleanup removing {removals.Count} document(s)", cancellationToken).ConfigureAwait(false);
        }

        await batches.ProcessAsync(cleanupBatch, options.MaxConcurrent, queue => queue.EnqueueAsync(removals, cancellationToken), cancellationToken).ConfigureAwait(false);
        var counts = await jobs.GetCountsAsync(cleanupBatch, cancellationToken).ConfigureAwait(false);
        var failed = counts.Failed == 0
            ? []
            : await jobs.ListAsync(new JobQuery { BatchId = cleanupBatch, Status = JobStatus.Failed, Limit = IngestionRun.MaxListed }, cancellationToken).ConfigureAwait(false);
        return result with
        {
            Removed = counts.Completed,
            Failed = result.Failed + counts.Failed,
            Failures = result.Failures.Concat(failed.Select(j => new IngestFailure(j.Source, "Cleanup could not remove the document: " + j.Error))).Take(IngestionRun.MaxListed).ToList(),
        };
    }

    /// <summary>
    /// One discovery batch: drop unsupported types, then one fingerprint round trip decides which sources are new or
    /// changed; those become jobs. Unchanged sources cost a <c>stat</c> and are never opened.
    /// </summary>
    private async Task EnqueueChangedAsync(
        List<string> paths, IngestionRun run, long generation, IngestOptions options, JobBatchProcessor.BatchQueue queue, CancellationToken cancellationToken)
    {
        if (paths.Count == 0)
        {
            return;
        }

        var supported = new List<string>(paths.Count);
        foreach (var path in paths)
        {
            if (extractors.TryResolve(Path.GetFileName(path), out _))
            {
                supported.Add(path);
            }
            else
            {
                run.Skipped(new IngestSkip(path, $"No extractor handles '{Path.GetExtension(path)}' files."));
            }
        }

        var ids = supported.ToDictionary(p => p, DocumentIds.FromSource, StringComparer.Ordinal);

        // Ids the registry does not know are no-ops here, so an unchanged corpus needs no registry read at all; the
        // write overlaps the fingerprint check, and says which documents the registry holds.
        var marking = generations.MarkSeenAndListCommittedAsync(ids.Values.ToList(), generation, cancellationToken);
        IReadOnlyDictionary<string, DocumentRecord> known = new Dictionary<string, DocumentRecord>(StringComparer.Ordinal);
        if (options.UpdateMode == UpdateMode.SkipExisting)
        {
            known = await registry.GetManyAsync(ids.Values.ToList(), cancellationToken).ConfigureAwait(false);
            supported.RemoveAll(path =>
            {
                var exists = known.TryGetValue(ids[path], out var document) && document.Version > 0;
                if (exists)
                {
                    run.Skipped();
                }

                return exists;
            });
        }

        IReadOnlyDictionary<string, object?>? sourceMetadata = options.Metadata?.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        var checking = fingerprinter.CheckBatchAsync(
            supported.Select(p => new FingerprintRequest(p, sourceMetadata)).ToList(), options.ForceReprocess, cancellationToken);
        await Task.WhenAll(marking, checking).ConfigureAwait(false);
        var checks = await checking.ConfigureAwait(false);
        var committed = ReprocessAll(options) ? null : await marking.ConfigureAwait(false);

        if (options.UpdateMode != UpdateMode.SkipExisting)
        {
            // Only sources that may become jobs: whether the registry has them decides add or update.
            var candidates = checks
                .Where(c => c.Status is not (FingerprintStatus.Missing or FingerprintStatus.Failed or FingerprintStatus.NotRegularFile) &&
                            (ReprocessAll(options) || c.Status is not (FingerprintStatus.Unchanged or FingerprintStatus.Touched)))
                .Select(c => ids[c.Source])
                .ToList();
            if (candidates.Count > 0)
            {
                known = await registry.GetManyAsync(candidates, cancellationToken).ConfigureAwait(false);
            }
        }

        var requests = new List<JobRequest>();
        foreach (var check in checks)
        {
            switch (check.Status)
            {
                case FingerprintStatus.Missing:
                    run.Failed(new IngestFailure(check.Source, "The file was deleted before it could be processed."));
                    continue;
                case FingerprintStatus.NotRegularFile:
                    run.Skipped(new IngestSkip(check.Source, check.Error!));
                    continue;
                case FingerprintStatus.Failed:
                    run.Failed(new IngestFailure(check.Source, check.Error ?? "The file could not be checked."));
                    continue;
                // An unchanged fingerprint is trusted only for a document the registry holds; otherwise the source is indexed again.
                case FingerprintStatus.Unchanged or FingerprintStatus.Touched when !ReprocessAll(options) && committed!.Contains(ids[check.Source]):
                    run.Skipped();
                    continue;
            }

            var id = ids[check.Source];
            var exists = known.TryGetValue(id, out var document) && document.Version > 0;
            if (options.UpdateMode == UpdateMode.AddOnly && exists)
            {
                run.Skipped(new IngestSkip(check.Source, "Already indexed; the update mode add_only leaves indexed documents alone."));
                continue;
            }

            if (options.UpdateMode == UpdateMode.UpdateOnly && !exists)
            {
                run.Skipped(new IngestSkip(check.Source, "Not indexed yet; the update mode update_only adds nothing."));
                continue;
            }

            if (await WhyNotTextAsync(check.Source, cancellationToken).ConfigureAwait(false) is { } notText)
            {
                run.Skipped(new IngestSkip(check.Source, notText));
                continue;
            }

            requests.Add(new JobRequest
            {
                DocumentId = id,
                Source = check.Source,
                Type = exists ? JobType.Update : JobType.Add,
                Priority = options.Priority,
                BatchId = run.BatchId,
                Payload = new IngestionPayload
                {
                    Generation = generation,
                    Force = options.ForceReprocess,
                    Fingerprint = check.Fingerprint,
                    Metadata = options.Metadata?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                }.Serialize(),
            });
        }

        await queue.EnqueueAsync(requests, cancellationToken).ConfigureAwait(false);
        run.Queued(requests.Count);
    }

    /// <summary>
    /// A file without an extension (<c>README</c>, <c>changelog.gz</c>) becomes a job only when its first bytes look
    /// like text; checked only for new or changed files, so an unchanged corpus is still never opened.
    /// </summary>
    private async Task<string?> WhyNotTextAsync(string path, CancellationToken cancellationToken) =>
        extractors.TryResolve(Path.GetFileName(path), out var match) && match.IsSniffed
            ? await TextSniffer.WhyNotTextAsync(path, match.IsGzip, cancellationToken).ConfigureAwait(false)
            : null;

    private async Task<IngestResult> FinishAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        var counts = await jobs.GetCountsAsync(run.BatchId, cancellationToken).ConfigureAwait(false);
        var failed = counts.Failed == 0
            ? []
            : await jobs.ListAsync(new JobQuery { BatchId = run.BatchId, Status = JobStatus.Failed, Limit = IngestionRun.MaxListed }, cancellationToken).ConfigureAwait(false);
        var (superseded, supersededCount) = await SupersededJobs.DescribeAsync(jobs, run.BatchId, counts.Cancelled, cancellationToken).ConfigureAwait(false);
        var embedding = embeddings.ReadUsage().Since(run.EmbeddingAtStart);
        await embeddings.RecordRunAsync(embedding, cancellationToken).ConfigureAwait(false);
        return run.ToResult(failed.Select(j => new IngestFailure(j.Source, j.Error ?? "failed")).ToList(), counts.Failed, counts.Cancelled, superseded, supersededCount) with { Embedding = embedding };
    }
}
