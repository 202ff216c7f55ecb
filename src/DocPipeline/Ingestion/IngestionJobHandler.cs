using System.Text;
using System.Text.Json;
using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Embeddings;
using DocPipeline.Extraction;
using DocPipeline.Fingerprints;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Registry;
using DocPipeline.Sources;
using Microsoft.Extensions.Options;

namespace DocPipeline.Ingestion;

/// <summary>
/// Processes one document job: read the source once (text and SHA-256 together), chunk it, stage the new version
/// (embedding only chunk texts the cache does not have), publish it to both indexes, commit, and record the
/// fingerprint last, so a source is only ever marked done when every index holds it.
/// </summary>
/// <remarks>
/// A job resumed after a crash finds the version it staged in its checkpoint and publishes that instead of reading
/// the source again. Faults in the document itself (unreadable, empty, corrupt) fail the job at once; faults of the
/// embedder or an index fail the attempt, which the queue retries with backoff.
/// </remarks>
internal sealed class IngestionJobHandler(
    IDocumentRegistry registry,
    IRunGenerationStore generations,
    DocumentWriter writer,
    ExtractorResolver extractors,
    IChunker chunker,
    IFingerprintStore fingerprints,
    IngestionRunRegistry runs,
    IOptions<DocPipelineOptions> options,
    TimeProvider time) : IJobHandler
{
    private readonly long _maxTextBytes = options.Value.Limits.MaxExtractedTextBytes;
    private readonly int _maxChunks = options.Value.Limits.MaxChunksPerDocument;

    public async Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.WriteFence is not { } fence)
        {
            return await RunAsync(context, cancellationToken).ConfigureAwait(false);
        }

        // Every registry and index write of the attempt is fenced by its lease (DESIGN.md): take the document before
        // reading it, so that whatever a worker that lost this job wrote earlier is seen here, and nothing it writes later lands.
        var fenced = await FencedDocumentRegistry.TakeAsync(registry, generations, fence, cancellationToken).ConfigureAwait(false);
        return await new IngestionJobHandler(fenced, fenced, writer.WithFence(fenced), extractors, chunker, fingerprints, runs, options, time)
            .RunAsync(context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var job = context.Job;
        try
        {
            var outcome = job.Type == JobType.Remove
                ? await RemoveAsync(job, cancellationToken).ConfigureAwait(false)
                : await IndexAsync(context, cancellationToken).ConfigureAwait(false);
            runs.Find(job.BatchId)?.Completed(outcome);
            IngestionInstruments.Record(outcome);
            return JsonSerializer.Serialize(outcome, IngestionJsonContext.Default.JobOutcome);
        }
        catch (PermanentJobFailureException ex)
        {
            // The served version (if any) stays; the registry shows why the update failed.
            await registry.MarkFailedAsync(job.DocumentId, ex.Message, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (EmbeddingServiceException ex) when (ex.Kind is EmbeddingFailureKind.Permanent or EmbeddingFailureKind.TooLarge)
        {
            // The embedding service refused the request itself (bad key, bad model, a text too long): another attempt would be refused alike.
            await registry.MarkFailedAsync(job.DocumentId, ex.Message, CancellationToken.None).ConfigureAwait(false);
            throw new PermanentJobFailureException(ex.Message, ex);
        }
    }

    private async Task<JobOutcome> RemoveAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await writer.RemoveAsync(job.DocumentId, cancellationToken).ConfigureAwait(false);
        await fingerprints.RemoveAsync(job.Source, cancellationToken).ConfigureAwait(false);
        return new JobOutcome(JobOutcome.Removed, 0, 0, 0);
    }

    private async Task<JobOutcome> IndexAsync(JobContext context, CancellationToken cancellationToken)
    {
        var job = context.Job;
        var payload = IngestionPayload.Parse(job.Payload);
        var document = await registry.GetAsync(job.DocumentId, cancellationToken).ConfigureAwait(false);

        if (IngestionCheckpoint.Parse(context.Checkpoint) is { } checkpoint &&
            await writer.LoadStagedAsync(job.DocumentId, checkpoint.StagedVersion, cancellationToken).ConfigureAwait(false) is { } resumed)
        {
            var stat = new FileInfo(job.Source);
            var fingerprint = Fingerprint(job, payload, checkpoint.ContentHash, stat.Exists ? stat.Length : 0, stat.Exists ? stat.LastWriteTimeUtc : default);
            return await PublishAsync(job, payload, resumed, fingerprint, document, cancellationToken).ConfigureAwait(false);
        }

        var read = await IngestionInstruments.TimeAsync("read", ReadAsync(job, payload, cancellationToken)).ConfigureAwait(false);
        var current = Fingerprint(job, payload, read.ContentHash, read.Size, read.LastWriteTimeUtc);
        if (!payload.Force && document is { Version: > 0, Status: DocumentStatus.Indexed } &&
            document.ContentHash == read.ContentHash && document.MetadataHash == read.Content.MetadataHash)
        {
            // Same bytes and metadata as the served version (for example a fingerprint lost or a touched file): nothing to write.
            await fingerprints.UpsertAsync([current], cancellationToken).ConfigureAwait(false);
            return new JobOutcome(JobOutcome.Unchanged, document.ChunkCount, 0, document.ChunkCount);
        }

        // Once read, chunked and embedded, the job mostly waits for commits, which needs no processing slot.
        var staged = await writer.StageAsync(read.Content, document, context.ReleaseProcessingSlot, cancellationToken).ConfigureAwait(false);
        await IngestionInstruments.TimeAsync("checkpoint", context.SaveCheckpointAsync(new IngestionCheckpoint(staged.Version, read.ContentHash).Serialize(), cancellationToken)).ConfigureAwait(false);
        return await PublishAsync(job, payload, staged, current, document, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JobOutcome> PublishAsync(
        JobRecord job, IngestionPayload payload, StagedDocument staged, SourceFingerprint fingerprint, DocumentRecord? previous, CancellationToken cancellationToken)
    {
        var isNew = previous is null or { Version: 0 };
        if (await writer.PublishAsync(staged, payload.Force, payload.Generation, cancellationToken).ConfigureAwait(false) is not { } chunkCount)
        {
            throw new InvalidOperationException($"Version {staged.Version} of '{job.DocumentId}' was no longer staged when it was published; another job changed the document.");
        }

        // Last: a fingerprint recorded before every index acknowledged would make the next run skip a document that is not there.
        await IngestionInstruments.TimeAsync("fingerprint", fingerprints.UpsertAsync([fingerprint], cancellationToken)).ConfigureAwait(false);
        if (previous is { Version: > 0 } && !string.Equals(previous.Source, job.Source, StringComparison.Ordinal))
        {
            // The document moved to another source (an update from another file): the old source no longer feeds it.
            await fingerprints.RemoveAsync(previous.Source, cancellationToken).ConfigureAwait(false);
        }
        return new JobOutcome(isNew ? JobOutcome.Added : JobOutcome.Updated, chunkCount, staged.Embedded, staged.Chunks is null && staged.Embedded == 0 ? chunkCount : staged.Reused);
    }

    private SourceFingerprint Fingerprint(JobRecord job, IngestionPayload payload, string contentHash, long size, DateTime lastWriteTimeUtc)
    {
        var seen = payload.Fingerprint;
        var sameAsSeen = seen is not null && seen.ContentHash == contentHash && seen.Size == size;
        return new SourceFingerprint
        {
            Source = job.Source,
            Size = size,
            LastWriteTimeUtc = new DateTimeOffset(DateTime.SpecifyKind(lastWriteTimeUtc, DateTimeKind.Utc)),
            ContentHash = contentHash,
            MetadataHash = seen?.MetadataHash,
            DocumentId = job.DocumentId,

            // The discovery step's time when it saw these bytes; otherwise the file changed since, and now is what we saw.
            LastSeenAt = sameAsSeen ? seen!.LastSeenAt : time.GetUtcNow(),
        };
    }

    private async Task<SourceRead> ReadAsync(JobRecord job, IngestionPayload payload, CancellationToken cancellationToken)
    {
        var path = job.Source;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new PermanentJobFailureException("The file was deleted or moved before it could be processed.");
        }

        if (!extractors.TryResolve(info.Name, out var match))
        {
            throw new PermanentJobFailureException($"No extractor handles '{info.Extension}' files.");
        }

        if (info.Length == 0)
        {
            throw new PermanentJobFailureException("The file is empty (0 bytes).");
        }

        Stream file;
        try
        {
            file = SourceFile.OpenRead(path, FileOptions.Asynchronous | FileOptions.SequentialScan, bufferSize: 4096);
        }
        catch (NotRegularFileException ex)
        {
            throw new PermanentJobFailureException(ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new PermanentJobFailureException("Permission denied: the file cannot be read.", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PermanentJobFailureException("The file was deleted or moved before it could be processed.", ex);
        }

        ExtractedDocument extracted;
        string contentHash;
        var hashing = new HashingReadStream(file);
        await using (hashing.ConfigureAwait(false))
        {
            extracted = await match.ExtractAsync(hashing, path, info.Name, info.Length, cancellationToken).ConfigureAwait(false);
            contentHash = await hashing.FinishAsync(cancellationToken).ConfigureAwait(false);
        }

        // Every extractor is held to the limits, whether or not it honoured them while it read.
        if (TextBytes(extracted) > _maxTextBytes)
        {
            throw DocumentLimitFault.TextTooLarge(_maxTextBytes);
        }

        var chunks = extracted.IsEmpty ? [] : chunker.Chunk(extracted);
        if (chunks.Count == 0)
        {
            throw new PermanentJobFailureException("No text could be extracted (for example a scanned PDF without a text layer).");
        }

        if (chunks.Count > _maxChunks)
        {
            throw DocumentLimitFault.TooManyChunks(chunks.Count, _maxChunks);
        }

        var metadata = new Dictionary<string, string>(extracted.Metadata, StringComparer.Ordinal)
        {
            ["source"] = path,
            ["file_name"] = info.Name,
            ["media_type"] = match.MediaType,
        };
        foreach (var (key, value) in payload.Metadata ?? [])
        {
            metadata[key] = value;
        }

        var content = new DocumentContent
        {
            DocumentId = job.DocumentId,
            Source = path,
            ContentHash = contentHash,
            MetadataHash = DocumentIds.TextHash(MetadataJson.Serialize(metadata)),
            Metadata = metadata,
            Chunks = chunks,
        };
        return new SourceRead(content, contentHash, info.Length, info.LastWriteTimeUtc);
    }

    private static long TextBytes(ExtractedDocument document)
    {
        long bytes = 0;
        foreach (var section in document.Sections)
        {
            bytes += Encoding.UTF8.GetByteCount(section.Text ?? string.Empty);
        }

        return bytes;
    }

    private sealed record SourceRead(DocumentContent Content, string ContentHash, long Size, DateTime LastWriteTimeUtc);
}
