using DocPipeline.Embeddings;
using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Ingestion;

/// <summary>
/// Writes document versions in the one order that never loses the served version (DESIGN.md, step 7): stage the new
/// chunks and embeddings in the registry, upsert them into both indexes, record that, delete the chunks that
/// disappeared, then commit. Every step is idempotent, so a retried or resumed job simply runs the sequence again.
/// </summary>
internal sealed class DocumentWriter(IDocumentRegistry registry, IVectorIndex vectorIndex, IKeywordIndex keywordIndex, EmbeddingService embeddings)
{
    private readonly string[] _indexNames = [vectorIndex.Name, keywordIndex.Name];

    /// <summary>
    /// A writer for one job attempt: every registry and index write it makes is fenced by the attempt's lease
    /// (<paramref name="registry"/>), so a worker that lost its lease leaves nothing behind.
    /// </summary>
    /// <param name="registry">The registry as the attempt sees it, after it took the document.</param>
    public DocumentWriter WithFence(FencedDocumentRegistry registry) =>
        new(registry, new FencedVectorIndex(vectorIndex, registry), new FencedKeywordIndex(keywordIndex, registry), embeddings);

    /// <summary>
    /// Stores <paramref name="content"/> as the next version of its document. Only chunk texts missing from the
    /// embedding cache are embedded; chunks carried over unchanged keep their revision, so their index entries are
    /// not rewritten.
    /// </summary>
    /// <param name="content">The new version's content.</param>
    /// <param name="current">The document as the registry has it, or <see langword="null"/> for a new one.</param>
    /// <param name="embedded">
    /// Called once the new chunks are embedded, before the registry write (what is left is mostly waiting for commits),
    /// with about how many bytes the staged version holds in memory.
    /// </param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<StagedDocument> StageAsync(DocumentContent content, DocumentRecord? current, Action<long>? embedded, CancellationToken cancellationToken)
    {
        var model = await embeddings.GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var version = Math.Max(current?.Version ?? 0, current?.PendingVersion ?? 0) + 1;
        var committed = current is { Version: > 0 }
            ? await registry.GetChunksAsync(content.DocumentId, current.Version, cancellationToken).ConfigureAwait(false)
            : [];
        var committedSignatures = committed.ToDictionary(c => c.ChunkId, c => (c.Revision, Signature(c)), StringComparer.Ordinal);

        var chunks = new List<ChunkRecord>(content.Chunks.Count);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);

        // Chunks of the same page share one metadata dictionary: less memory held while the version waits for its
        // commits, and each store serializes it once per run of chunks instead of once per chunk.
        var metadataByPage = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        IReadOnlyDictionary<string, string>? pagelessMetadata = null;
        foreach (var chunk in content.Chunks)
        {
            var textHash = DocumentIds.TextHash(chunk.Text);
            occurrences[textHash] = occurrences.GetValueOrDefault(textHash) + 1;
            var record = new ChunkRecord
            {
                ChunkId = DocumentIds.ChunkId(content.DocumentId, textHash, occurrences[textHash] - 1),
                DocumentId = content.DocumentId,
                Revision = version,
                Ordinal = chunk.Ordinal,
                Text = chunk.Text,
                TextHash = textHash,
                StartOffset = chunk.StartOffset,
                EndOffset = chunk.EndOffset,
                Page = chunk.Page,
                Metadata = chunk.Page is { } page
                    ? metadataByPage.TryGetValue(page, out var pageMetadata) ? pageMetadata : metadataByPage[page] = IndexMetadata(content.Metadata, page)
                    : pagelessMetadata ??= IndexMetadata(content.Metadata, null),
            };
            if (committedSignatures.TryGetValue(record.ChunkId, out var previous) &&
                string.Equals(previous.Item2, Signature(record), StringComparison.Ordinal))
            {
                record = record with { Revision = previous.Revision };
            }

            chunks.Add(record);
        }

        // A version staged earlier and never committed may have reached the indexes; drop what this version does not reuse.
        if (current?.PendingVersion is { } abandoned)
        {
            var keep = chunks.Select(c => c.ChunkId).Concat(committed.Select(c => c.ChunkId)).ToHashSet(StringComparer.Ordinal);
            var stale = (await registry.GetChunksAsync(content.DocumentId, abandoned, cancellationToken).ConfigureAwait(false))
                .Select(c => c.ChunkId)
                .Where(id => !keep.Contains(id))
                .ToList();
            await DeleteChunksAsync(stale, cancellationToken).ConfigureAwait(false);
        }

        var hashes = chunks.Select(c => c.TextHash).Distinct(StringComparer.Ordinal).ToList();
        var cached = await registry.GetEmbeddingsAsync(model, hashes, cancellationToken).ConfigureAwait(false);
        var missing = hashes.Where(h => !cached.ContainsKey(h)).ToList();
        var fresh = new Dictionary<string, ReadOnlyMemory<float>>(missing.Count, StringComparer.Ordinal);
        if (missing.Count > 0)
        {
            var textByHash = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var chunk in chunks)
            {
                textByHash.TryAdd(chunk.TextHash, chunk.Text);
            }

            var texts = missing.Select(h => textByHash[h]).ToList();
            var vectors = await IngestionInstruments.TimeAsync("embed", embeddings.EmbedAsync(texts, cancellationToken)).ConfigureAwait(false);
            for (var i = 0; i < missing.Count; i++)
            {
                fresh[missing[i]] = vectors[i];
            }
        }

        embedded?.Invoke(HeldBytes(chunks, fresh.Values.Concat(cached.Values)));
        await IngestionInstruments.TimeAsync("registry_stage", registry.StageAsync(
            new StagedVersion
            {
                DocumentId = content.DocumentId,
                Source = content.Source,
                Version = version,
                ContentHash = content.ContentHash,
                MetadataHash = content.MetadataHash,
                Metadata = content.Metadata,
                Chunks = chunks,
                EmbeddingModel = model,
                NewEmbeddings = fresh,
            },
            cancellationToken)).ConfigureAwait(false);

        var known = new Dictionary<string, ReadOnlyMemory<float>>(cached, StringComparer.Ordinal);
        foreach (var (hash, vector) in fresh)
        {
            known[hash] = vector;
        }

        return new StagedDocument(content.DocumentId, version, chunks, known, missing.Count, chunks.Count(c => cached.ContainsKey(c.TextHash)));
    }

    /// <summary>
    /// Writes a staged version to both indexes, deletes the chunks of the committed version it does not keep, and
    /// commits it. With <paramref name="rewriteAll"/> every chunk is written, not only the new or changed ones.
    /// </summary>
    /// <param name="staged">The staged version.</param>
    /// <param name="rewriteAll">Whether to write every chunk, not only the new or changed ones.</param>
    /// <param name="seenGeneration">The ingestion run that saw the document (see <see cref="IDocumentRegistry.MarkSeenAsync"/>), or 0.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns><see langword="false"/> when the version was no longer staged (a newer job got there first).</returns>
    public async Task<bool> PublishAsync(StagedDocument staged, bool rewriteAll, long seenGeneration, CancellationToken cancellationToken)
    {
        var document = await registry.GetAsync(staged.DocumentId, cancellationToken).ConfigureAwait(false);
        if (document?.PendingVersion != staged.Version)
        {
            return false;
        }

        var toWrite = rewriteAll ? staged.Chunks : staged.Chunks.Where(c => c.Revision == staged.Version).ToList();
        if (toWrite.Count > 0)
        {
            var vectors = await VectorsAsync(toWrite, staged.Embeddings, cancellationToken).ConfigureAwait(false);
            var vectorRecords = toWrite.Select(c => new VectorRecord
            {
                ChunkId = c.ChunkId,
                DocumentId = c.DocumentId,
                Version = c.Revision,
                Vector = vectors[c.TextHash],
                Metadata = c.Metadata,
            }).ToList();
            var keywordRecords = toWrite.Select(c => new KeywordRecord
            {
                ChunkId = c.ChunkId,
                DocumentId = c.DocumentId,
                Version = c.Revision,
                Text = c.Text,
                Metadata = c.Metadata,
            }).ToList();
            await Task.WhenAll(
                IngestionInstruments.TimeAsync("vector_write", vectorIndex.UpsertAsync(vectorRecords, cancellationToken)),
                IngestionInstruments.TimeAsync("keyword_write", keywordIndex.UpsertAsync(keywordRecords, cancellationToken))).ConfigureAwait(false);
        }

        if (document.Version == 0 && registry is IPublishCommitRegistry publisher)
        {
            // No earlier version whose chunks must go between recording the index versions and the commit: one write.
            return await IngestionInstruments.TimeAsync(
                "registry_commit",
                publisher.CommitPublishedAsync(staged.DocumentId, _indexNames, staged.Version, seenGeneration, cancellationToken)).ConfigureAwait(false);
        }

        await IngestionInstruments.TimeAsync("index_versions", registry.SetIndexVersionsAsync(staged.DocumentId, _indexNames, staged.Version, cancellationToken)).ConfigureAwait(false);

        if (document.Version > 0)
        {
            var kept = staged.Chunks.Select(c => c.ChunkId).ToHashSet(StringComparer.Ordinal);
            var gone = (await registry.GetChunksAsync(staged.DocumentId, document.Version, cancellationToken).ConfigureAwait(false))
                .Select(c => c.ChunkId)
                .Where(id => !kept.Contains(id))
                .ToList();
            await DeleteChunksAsync(gone, cancellationToken).ConfigureAwait(false);
        }

        var committed = await IngestionInstruments.TimeAsync("registry_commit", registry.CommitAsync(staged.DocumentId, staged.Version, cancellationToken)).ConfigureAwait(false);
        if (committed && seenGeneration > 0)
        {
            await registry.MarkSeenAsync([staged.DocumentId], seenGeneration, cancellationToken).ConfigureAwait(false);
        }

        return committed;
    }

    /// <summary>Loads a staged version back from the registry (a job resumed after a crash continues from here).</summary>
    public async Task<StagedDocument?> LoadStagedAsync(string documentId, int version, CancellationToken cancellationToken)
    {
        var document = await registry.GetAsync(documentId, cancellationToken).ConfigureAwait(false);
        if (document?.PendingVersion != version)
        {
            return null;
        }

        var chunks = await registry.GetChunksAsync(documentId, version, cancellationToken).ConfigureAwait(false);
        return new StagedDocument(documentId, version, chunks, new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal), 0, chunks.Count);
    }

    /// <summary>Removes a document from both indexes, then from the registry.</summary>
    /// <returns><see langword="false"/> when the registry did not know the document.</returns>
    public async Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken)
    {
        var known = await registry.MarkRemovingAsync(documentId, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(
            vectorIndex.DeleteDocumentsAsync([documentId], cancellationToken),
            keywordIndex.DeleteDocumentsAsync([documentId], cancellationToken)).ConfigureAwait(false);
        return await registry.RemoveAsync(documentId, cancellationToken).ConfigureAwait(false) || known;
    }

    /// <summary>The metadata written with a chunk's index entries (and stored with the chunk): the document's, plus the chunk's page.</summary>
    internal static IReadOnlyDictionary<string, string> IndexMetadata(IReadOnlyDictionary<string, string> document, int? page)
    {
        var merged = new Dictionary<string, string>(document, StringComparer.Ordinal);
        if (page is { } number)
        {
            merged["page"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return merged;
    }

    /// <summary>About how much memory a staged version holds: chunk texts (twice: content and records), vectors, record overhead.</summary>
    private static long HeldBytes(IReadOnlyList<ChunkRecord> chunks, IEnumerable<ReadOnlyMemory<float>> vectors)
    {
        long bytes = 0;
        foreach (var chunk in chunks)
        {
            bytes += (chunk.Text.Length * 4L) + 1024;
        }

        foreach (var vector in vectors)
        {
            bytes += vector.Length * (long)sizeof(float);
        }

        return bytes;
    }

    /// <summary>What an index entry holds besides the vector: when it differs, the entry is rewritten (never re-embedded).</summary>
    private static string Signature(ChunkRecord chunk) => chunk.TextHash + "\n" + MetadataJson.Serialize(chunk.Metadata);

    private async Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> VectorsAsync(
        IReadOnlyList<ChunkRecord> chunks, IReadOnlyDictionary<string, ReadOnlyMemory<float>> known, CancellationToken cancellationToken)
    {
        var missing = chunks.Select(c => c.TextHash).Where(h => !known.ContainsKey(h)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return known;
        }

        var model = await embeddings.GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var loaded = await registry.GetEmbeddingsAsync(model, missing, cancellationToken).ConfigureAwait(false);
        var all = new Dictionary<string, ReadOnlyMemory<float>>(known, StringComparer.Ordinal);
        foreach (var hash in missing)
        {
            all[hash] = loaded.TryGetValue(hash, out var vector)
                ? vector
                : throw new DocPipelineStorageException($"The embedding of a stored chunk (text hash {hash}) is missing from the registry; run repair.");
        }

        return all;
    }

    private Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken) =>
        chunkIds.Count == 0
            ? Task.CompletedTask
            : Task.WhenAll(vectorIndex.DeleteChunksAsync(chunkIds, cancellationToken), keywordIndex.DeleteChunksAsync(chunkIds, cancellationToken));
}
