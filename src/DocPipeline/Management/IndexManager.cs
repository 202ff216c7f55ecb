using System.Text.Json;
using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Extraction;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using Microsoft.Extensions.Options;

namespace DocPipeline.Management;

/// <summary>
/// Turns document operations into jobs of one batch, runs the batch with <see cref="JobBatchProcessor"/>, and reads
/// each job's outcome back from the job store. Operations that cannot succeed (a missing file, an unknown id, a type
/// no extractor reads) fail before a job is created.
/// </summary>
internal sealed class IndexManager(
    IJobStore jobs,
    IDocumentRegistry registry,
    ISettingsStore settings,
    IVectorIndex vectorIndex,
    IKeywordIndex keywordIndex,
    ExtractorResolver extractors,
    FileFingerprinter fingerprinter,
    JobBatchProcessor batches,
    IOptions<DocPipelineOptions> options) : IIndexManager
{
    private const int RecentFailures = 10;

    public async Task<DocumentOperationResult> AddAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ThrowIfMissing(path);
        return (await ApplyAsync([DocumentOperation.Add(path)], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<DocumentOperationResult> UpdateAsync(string documentId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await ThrowIfUnknownAsync(documentId, cancellationToken).ConfigureAwait(false);
        ThrowIfMissing(path);
        return (await ApplyAsync([DocumentOperation.Update(documentId, path)], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<DocumentOperationResult> RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        await ThrowIfUnknownAsync(documentId, cancellationToken).ConfigureAwait(false);
        return (await ApplyAsync([DocumentOperation.Remove(documentId)], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<DocumentOperationResult>> ApplyAsync(IReadOnlyList<DocumentOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not { } operation || !Enum.IsDefined(operation.Kind))
            {
                throw new ArgumentException(
                    operations[i] is null
                        ? $"operations[{i}] is null."
                        : $"operations[{i}].Kind must be one of {string.Join(", ", Enum.GetNames<DocumentOperationKind>())} (was {operations[i].Kind}).",
                    nameof(operations));
            }
        }

        var batchId = "manage-" + Guid.CreateVersion7().ToString("N");
        var known = await registry.GetManyAsync(
            operations.Where(o => o.DocumentId is not null).Select(o => o.DocumentId!).Distinct(StringComparer.Ordinal).ToList(),
            cancellationToken).ConfigureAwait(false);

        var results = new DocumentOperationResult?[operations.Count];
        var requests = new List<JobRequest>(operations.Count);
        var requestIndex = new List<int>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            var (request, error) = await PlanAsync(operation, known, batchId, cancellationToken).ConfigureAwait(false);
            if (request is null)
            {
                results[i] = new DocumentOperationResult
                {
                    Operation = operation,
                    DocumentId = operation.DocumentId ?? (operation.Path is null ? string.Empty : DocumentIds.FromSource(Path.GetFullPath(operation.Path))),
                    Outcome = DocumentOperationOutcome.Failed,
                    Error = error,
                };
                continue;
            }

            requests.Add(request);
            requestIndex.Add(i);
        }

        if (requests.Count > 0)
        {
            IReadOnlyList<JobRecord> created = [];
            await batches.ProcessAsync(batchId, maxConcurrent: null, async queue =>
            {
                created = await queue.EnqueueAsync(requests, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            for (var r = 0; r < created.Count; r++)
            {
                var job = await jobs.GetAsync(created[r].Id, cancellationToken).ConfigureAwait(false) ?? created[r];
                results[requestIndex[r]] = Describe(operations[requestIndex[r]], job, known);
            }
        }

        return results.Select(r => r!).ToList();
    }

    public async Task<bool> ExistsAsync(string documentId, CancellationToken cancellationToken = default) =>
        await GetAsync(documentId, cancellationToken).ConfigureAwait(false) is { Version: > 0 };

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        return registry.GetAsync(documentId, cancellationToken);
    }

    public async Task<DocumentPage> ListAsync(DocumentListOptions options, CancellationToken cancellationToken = default)
    {
        Configuration.OperationOptionsValidator.ThrowIfInvalid(options);
        var page = await registry.ListAsync(
            new DocumentQuery { Filter = options.Filter, Status = options.Status, After = options.After, Limit = options.Limit + 1 },
            cancellationToken).ConfigureAwait(false);
        return page.Count > options.Limit
            ? new DocumentPage(page.Take(options.Limit).ToList(), page[options.Limit - 1].Id)
            : new DocumentPage(page, null);
    }

    public async Task<PipelineStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var registryStatistics = registry.GetStatisticsAsync(cancellationToken);
        var vectorStatistics = vectorIndex.GetStatisticsAsync(cancellationToken);
        var keywordStatistics = keywordIndex.GetStatisticsAsync(cancellationToken);
        var counts = jobs.GetCountsAsync(null, cancellationToken);
        var failures = jobs.ListAsync(new JobQuery { Status = JobStatus.Failed, Limit = RecentFailures }, cancellationToken);
        var latest = jobs.ListAsync(new JobQuery { Limit = 1 }, cancellationToken);
        var embedder = settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken);
        var embedding = Embeddings.EmbeddingTotals.ReadAsync(settings, cancellationToken);
        await Task.WhenAll(registryStatistics, vectorStatistics, keywordStatistics, counts, failures, latest, embedder, embedding).ConfigureAwait(false);

        var documents = await registryStatistics.ConfigureAwait(false);
        var vectors = await vectorStatistics.ConfigureAwait(false);
        var keywords = await keywordStatistics.ConfigureAwait(false);
        return new PipelineStatistics
        {
            Documents = documents.Documents,
            Chunks = documents.Chunks,
            VectorChunks = vectors.Entries,
            KeywordChunks = keywords.Entries,
            VectorBytes = vectors.SizeBytes,
            KeywordBytes = keywords.SizeBytes,
            RegistryBytes = documents.SizeBytes,
            PendingDocuments = documents.PendingDocuments,
            FailedDocuments = documents.FailedDocuments,
            Embeddings = documents.Embeddings,
            Jobs = await counts.ConfigureAwait(false),
            LastRunAt = (await latest.ConfigureAwait(false)).FirstOrDefault()?.CreatedAt,
            Embedder = await embedder.ConfigureAwait(false),
            Embedding = await embedding.ConfigureAwait(false),
            RecentFailures = (await failures.ConfigureAwait(false)).Select(j => new IngestFailure(j.Source, j.Error ?? "failed")).ToList(),
            RestoreLeftovers = RestoreLeftovers.Find(DataFolderLayout.From(options.Value)),
        };
    }

    private static void ThrowIfMissing(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The file '{path}' does not exist.", path);
        }
    }

    private static DocumentOperationResult Describe(DocumentOperation operation, JobRecord job, IReadOnlyDictionary<string, DocumentRecord> known)
    {
        var result = new DocumentOperationResult { Operation = operation, DocumentId = job.DocumentId };
        switch (job.Status)
        {
            case JobStatus.Completed:
                var outcome = string.IsNullOrEmpty(job.Result) ? null : JsonSerializer.Deserialize(job.Result, IngestionJsonContext.Default.JobOutcome);
                return result with
                {
                    Outcome = outcome?.Kind switch
                    {
                        JobOutcome.Added => DocumentOperationOutcome.Added,
                        JobOutcome.Updated => DocumentOperationOutcome.Updated,
                        JobOutcome.Removed => DocumentOperationOutcome.Removed,
                        _ => DocumentOperationOutcome.Unchanged,
                    },
                    // A removal serves nothing afterwards: it reports the chunks of the version it removed.
                    Chunks = outcome?.Kind == JobOutcome.Removed && known.TryGetValue(job.DocumentId, out var removed) ? removed.ChunkCount : outcome?.Chunks ?? 0,
                    Embedded = outcome?.Embedded ?? 0,
                };
            case JobStatus.Cancelled:
                return result with { Outcome = DocumentOperationOutcome.Superseded, Error = job.Error };
            default:
                return result with { Outcome = DocumentOperationOutcome.Failed, Error = job.Error ?? $"The job ended as {job.Status}." };
        }
    }

    private async Task ThrowIfUnknownAsync(string documentId, CancellationToken cancellationToken)
    {
        if (await registry.GetAsync(documentId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new DocumentNotFoundException($"No document has the id '{documentId}'. 'docpipe manage --list' shows the ids.");
        }
    }

    /// <summary>Builds the job for an operation, or says why the operation cannot succeed.</summary>
    private async Task<(JobRequest? Request, string? Error)> PlanAsync(
        DocumentOperation operation, IReadOnlyDictionary<string, DocumentRecord> known, string batchId, CancellationToken cancellationToken)
    {
        if (operation.Kind == DocumentOperationKind.Remove)
        {
            return operation.DocumentId is { } removeId && known.TryGetValue(removeId, out var removed)
                ? (new JobRequest { DocumentId = removeId, Source = removed.Source, Type = JobType.Remove, BatchId = batchId }, null)
                : (null, $"No document has the id '{operation.DocumentId}'.");
        }

        if (string.IsNullOrWhiteSpace(operation.Path))
        {
            return (null, "The operation has no file path.");
        }

        var path = Path.GetFullPath(operation.Path);
        if (!File.Exists(path))
        {
            return (null, $"The file '{operation.Path}' does not exist.");
        }

        if (!extractors.TryResolve(Path.GetFileName(path), out _))
        {
            return (null, $"No extractor handles '{Path.GetExtension(path)}' files.");
        }

        var documentId = operation.DocumentId ?? DocumentIds.FromSource(path);
        if (operation.Kind == DocumentOperationKind.Update && !known.ContainsKey(documentId))
        {
            return (null, $"No document has the id '{documentId}'.");
        }

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: true, cancellationToken).ConfigureAwait(false);
        if (check.Error is { } error)
        {
            return (null, error);
        }

        var exists = operation.Kind == DocumentOperationKind.Update || (await registry.GetAsync(documentId, cancellationToken).ConfigureAwait(false)) is { Version: > 0 };
        return (new JobRequest
        {
            DocumentId = documentId,
            Source = path,
            Type = exists ? JobType.Update : JobType.Add,
            BatchId = batchId,
            Payload = new IngestionPayload { Fingerprint = check.Fingerprint }.Serialize(),
        }, null);
    }
}
