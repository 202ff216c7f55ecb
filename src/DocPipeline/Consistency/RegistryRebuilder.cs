using System.Numerics.Tensors;
using DocPipeline.Chunking;
using DocPipeline.Embeddings;
using DocPipeline.Extraction;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>
/// Writes a new registry from the indexes (<see cref="IIndexMaintenance.RebuildRegistryAsync"/>): one document at a
/// time from the vector index, which holds each chunk's id, document, revision, metadata and embedding. No index holds
/// the chunk text, so each document's source is read and chunked again; a document is recovered when that gives back
/// exactly the chunk ids the index holds, and the embeddings of every chunk that matches go into the embedding cache.
/// </summary>
internal sealed class RegistryRebuilder(
    SqliteDocumentRegistry target, EmbeddedVectorIndex vector, IKeywordIndex keyword, ExtractorResolver extractors, IChunker chunker, BatchingEmbeddingGenerator generator)
{
    /// <summary>Below this cosine similarity the configured embedder did not make the stored vectors.</summary>
    private const double SameEmbedderSimilarity = 0.999;

    private readonly string[] _indexNames = [vector.Name, keyword.Name];
    private readonly List<UnrecoveredDocument> _unrecovered = [];
    private readonly HashSet<string> _vectorDocuments = new(StringComparer.Ordinal);
    private string _model = string.Empty;
    private int _dimensions;
    private bool _embedderConfirmed;
    private long _unrecoveredCount;
    private long _documents;
    private long _chunks;
    private long _embeddings;

    /// <summary>Recovers every document of the indexes into the target registry and records the embedder.</summary>
    /// <exception cref="EmbedderMismatchException">The configured embedder did not make the stored vectors.</exception>
    /// <exception cref="DocPipelineStorageException">The vector index holds nothing to recover.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _dimensions = await vector.GetDimensionsAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new DocPipelineStorageException(
                $"The vector index at '{vector.DirectoryPath}' holds no entries, so there is nothing to rebuild the registry from. " +
                "Restore the data folder from a backup ('docpipe manage --restore <backup>'), or index the sources again.");
        _model = await EmbeddingService.DescribeAsync(generator, cancellationToken).ConfigureAwait(false);
        if (!_model.EndsWith(":" + _dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new EmbedderMismatchException(
                $"The vector index holds {_dimensions}-dimension vectors, but the configured embedder is '{_model}'. " +
                "Rebuild the registry with the embedder the data folder was built with (docpipe: --embedder).");
        }

        var group = new List<VectorRecord>();
        await foreach (var record in vector.StreamRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (group.Count > 0 && !string.Equals(group[0].DocumentId, record.DocumentId, StringComparison.Ordinal))
            {
                await RecoverAsync(group, cancellationToken).ConfigureAwait(false);
                group.Clear();
            }

            group.Add(record);
        }

        if (group.Count > 0)
        {
            await RecoverAsync(group, cancellationToken).ConfigureAwait(false);
        }

        await NoteKeywordOnlyDocumentsAsync(cancellationToken).ConfigureAwait(false);
        await target.SetSettingAsync(RegistrySettings.Embedder, _model, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets what was recovered, once <see cref="RunAsync"/> finished and the registry was swapped in and verified.</summary>
    public RegistryRebuildResult Result(ConsistencyReport after, string? movedAside, TimeSpan duration) => new()
    {
        Documents = _documents,
        Chunks = _chunks,
        Embeddings = _embeddings,
        Embedder = _model,
        NotRecoveredCount = _unrecoveredCount,
        NotRecovered = _unrecovered,
        Notes =
        [
            "Chunk text, order and offsets: no index stores them; they were read again from each document's source.",
            "Content and metadata hashes: computed from the sources as they are now; a document whose source changed since it was indexed is not " +
                "recovered, and the next batch indexes it again (reusing the recovered embeddings of its unchanged chunks).",
            $"Embedder: the vector index records only the dimensions ({_dimensions}); '{_model}' was recorded " +
                (_embedderConfirmed ? "after it reproduced a stored vector." : "without a check (no chunk could be read again to compare)."),
            "Run history, failed-update errors and staged (unpublished) versions are not in the indexes and start empty.",
        ],
        MovedAside = movedAside,
        After = after,
        Duration = duration,
    };

    private async Task RecoverAsync(List<VectorRecord> entries, CancellationToken cancellationToken)
    {
        var documentId = entries[0].DocumentId;
        _vectorDocuments.Add(documentId);
        var source = entries[0].Metadata?.GetValueOrDefault("source");
        if (source is null)
        {
            Unrecovered(documentId, null, "its index entries record no source, so the chunk text cannot be read again; repair deletes its entries");
            return;
        }

        var read = await ReadAsync(source, cancellationToken).ConfigureAwait(false);
        if (read.Error is not null)
        {
            Unrecovered(documentId, source, read.Error + "; the next batch indexes the source again if it comes back, and repair deletes the old entries");
            return;
        }

        var indexed = entries.ToDictionary(e => e.ChunkId, StringComparer.Ordinal);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        var chunks = new List<ChunkRecord>(read.Chunks.Count);
        var cache = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        foreach (var chunk in read.Chunks)
        {
            var textHash = DocumentIds.TextHash(chunk.Text);
            occurrences[textHash] = occurrences.GetValueOrDefault(textHash) + 1;
            var chunkId = DocumentIds.ChunkId(documentId, textHash, occurrences[textHash] - 1);
            if (!indexed.TryGetValue(chunkId, out var entry))
            {
                continue;
            }

            await ConfirmEmbedderAsync(chunk.Text, entry.Vector, cancellationToken).ConfigureAwait(false);
            cache[textHash] = entry.Vector;
            chunks.Add(new ChunkRecord
            {
                ChunkId = chunkId,
                DocumentId = documentId,
                Revision = entry.Version,
                Ordinal = chunk.Ordinal,
                Text = chunk.Text,
                TextHash = textHash,
                StartOffset = chunk.StartOffset,
                EndOffset = chunk.EndOffset,
                Page = chunk.Page,
                Metadata = entry.Metadata ?? new Dictionary<string, string>(StringComparer.Ordinal),
            });
        }

        if (chunks.Count != read.Chunks.Count || chunks.Count != entries.Count)
        {
            // The source changed since it was indexed: the chunks that still match keep their embeddings.
            await target.PutEmbeddingsAsync(_model, cache, cancellationToken).ConfigureAwait(false);
            _embeddings += cache.Count;
            Unrecovered(documentId, source,
                $"the source changed since it was indexed ({chunks.Count} of {entries.Count} indexed chunks match it); the next batch indexes it again " +
                "without embedding the matching chunks, and repair deletes the old entries");
            return;
        }

        var metadata = new Dictionary<string, string>(entries[0].Metadata!, StringComparer.Ordinal);
        if (read.Chunks.Any(c => c.Page is not null))
        {
            metadata.Remove("page");
        }

        var version = entries.Max(e => e.Version);
        await target.StageAsync(
            new StagedVersion
            {
                DocumentId = documentId,
                Source = source,
                Version = version,
                ContentHash = read.ContentHash!,
                MetadataHash = DocumentIds.TextHash(MetadataJson.Serialize(metadata)),
                Metadata = metadata,
                Chunks = chunks,
                EmbeddingModel = _model,
                NewEmbeddings = cache,
            },
            cancellationToken).ConfigureAwait(false);
        await target.CommitPublishedAsync(documentId, _indexNames, version, 0, cancellationToken).ConfigureAwait(false);
        _documents++;
        _chunks += chunks.Count;
        _embeddings += cache.Count;
    }

    /// <summary>Embeds one stored chunk again: the configured embedder must give (nearly) the vector the index holds.</summary>
    private async Task ConfirmEmbedderAsync(string text, ReadOnlyMemory<float> stored, CancellationToken cancellationToken)
    {
        if (_embedderConfirmed)
        {
            return;
        }

        var fresh = (await EmbeddingService.EmbedAsync(generator, [text], cancellationToken).ConfigureAwait(false))[0];
        var similarity = fresh.Length == stored.Length ? TensorPrimitives.CosineSimilarity(fresh.Span, stored.Span) : 0;
        if (similarity < SameEmbedderSimilarity)
        {
            throw new EmbedderMismatchException(
                $"The configured embedder '{_model}' did not make the vectors in the vector index (cosine similarity {similarity:0.###} for the same chunk). " +
                "Rebuild the registry with the embedder the data folder was built with (docpipe: --embedder).");
        }

        _embedderConfirmed = true;
    }

    /// <summary>Documents only the keyword index holds have no embedding and no text to recover: listed, not recovered.</summary>
    private async Task NoteKeywordOnlyDocumentsAsync(CancellationToken cancellationToken)
    {
        var keywordOnly = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var entry in keyword.ListEntriesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_vectorDocuments.Contains(entry.DocumentId))
                {
                    keywordOnly.Add(entry.DocumentId);
                }
            }
        }
        catch (DocPipelineStorageException ex)
        {
            Unrecovered("(keyword index)", null, "the keyword index cannot be read, so documents only it holds are not listed: " + ex.Message);
            return;
        }

        foreach (var documentId in keywordOnly.Order(StringComparer.Ordinal))
        {
            Unrecovered(documentId, null, "only the keyword index holds it (no embedding, no source recorded there); repair deletes its entries, and the next batch indexes its source again");
        }
    }

    private void Unrecovered(string documentId, string? source, string reason)
    {
        _unrecoveredCount++;
        if (_unrecovered.Count < IngestionRun.MaxListed)
        {
            _unrecovered.Add(new UnrecoveredDocument(documentId, source, reason));
        }
    }

    /// <summary>Reads and chunks a source the way ingestion does; a source that cannot be read gives the reason instead.</summary>
    private async Task<SourceChunks> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return new SourceChunks([], null, "its source is gone, so the chunk text cannot be read again");
        }

        if (!extractors.TryResolve(info.Name, out var match))
        {
            return new SourceChunks([], null, $"no extractor handles '{info.Extension}' files any more");
        }

        try
        {
            var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            var hashing = new HashingReadStream(file);
            await using (hashing.ConfigureAwait(false))
            {
                var extracted = await match.Extractor.ExtractAsync(hashing, match.CreateContext(path, info.Name, info.Length), cancellationToken).ConfigureAwait(false);
                var contentHash = await hashing.FinishAsync(cancellationToken).ConfigureAwait(false);
                return new SourceChunks(extracted.IsEmpty ? [] : chunker.Chunk(extracted), contentHash, null);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PermanentJobFailureException)
        {
            return new SourceChunks([], null, "its source cannot be read again (" + ex.Message + ")");
        }
    }

    private sealed record SourceChunks(IReadOnlyList<TextChunk> Chunks, string? ContentHash, string? Error);
}
