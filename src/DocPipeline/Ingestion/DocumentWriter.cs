using DocPipeline.Embeddings;
using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Ingestion;

/// <summary>
/// Writes document versions in the one order that never loses the served version (DESIGN.md, step 7): stage the new
/// chunks and embeddings in the registry, upsert them into both indexes, record that, delete the chunks that
/// disappeared, then commit. Every step is idempotent, so a retried or resumed job simply runs the sequence again.
/// </summary>
internal sealed class DocumentWriter(
    IDocumentRegistry registry,
    IRunGenerationStore generations,
    IEmbeddingCache embeddingCache,
    IVectorIndex vectorIndex,
    IKeywordIndex keywordIndex,
    EmbeddingService embeddings)
{
    private static readonly IReadOnlyDictionary<string, ReadOnlyMemory<float>> EmptyVectors = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);

    private readonly string[] _indexNames = [vectorIndex.Name, keywordIndex.Name];

    /// <summary>The most chunks staged, embedded or written to the indexes in one batch.</summary>
    internal const int BatchChunks = 2048;

    /// <summary>The most characters of chunk text staged and embedded in one batch.</summary>
    internal const int BatchChars = 8 * 1024 * 1024;

    /// <summary>The most vector bytes a many-batch version keeps in memory between staging and publishing.</summary>
    internal const long KeptVectorBytes = 64L * 1024 * 1024;

    /// <summary>
    /// A writer for one job attempt: every registry and index write it makes is fenced by the attempt's lease
    /// (<paramref name="registry"/>), so a worker that lost its lease leaves nothing behind.
    /// </summary>
    /// <param name="registry">The registry as the attempt sees it, after it took the document.</param>
    public DocumentWriter WithFence(FencedDocumentRegistry registry) =>
        new(registry, registry, embeddingCache, new FencedVectorIndex(vectorIndex, registry), new FencedKeywordIndex(keywordIndex, registry), embeddings);

    /// <summary>
    /// Stores <paramref name="content"/> as the next version of its document. Only chunk texts missing from the
    /// embedding cache are embedded; chunks carried over unchanged keep their revision, so their index entries are
    /// not rewritten.
    /// </summary>
    /// <remarks>
    /// The chunks go through embedding and into the registry in batches of at most <see cref="BatchChunks"/> chunks and
    /// <see cref="BatchChars"/> characters, so a very large document never holds all its chunk texts and vectors at
    /// once. A document of one batch is staged in one write and published from memory; a larger one is staged batch
    /// by batch and published from the registry (<see cref="StagedDocument.Chunks"/> is then <see langword="null"/>).
    /// </remarks>
    /// <param name="content">The new version's content.</param>
    /// <param name="current">The document as the registry has it, or <see langword="null"/> for a new one.</param>
    /// <param name="embedded">
    /// Called once the last chunks are embedded, before their registry write (what is left is mostly waiting for commits),
    /// with about how many bytes the staged version holds in memory.
    /// </param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<StagedDocument> StageAsync(DocumentContent content, DocumentRecord? current, Action<long>? embedded, CancellationToken cancellationToken)
    {
        var model = await embeddings.GetWriteModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var version = Math.Max(current?.Version ?? 0, current?.PendingVersion ?? 0) + 1;
        var committedSignatures = new Dictionary<string, (int Revision, string Signature)>(StringComparer.Ordinal);
        if (current is { Version: > 0 })
        {
            await foreach (var page in ReadChunksAsync(content.DocumentId, current.Version, cancellationToken).ConfigureAwait(false))
            {
                foreach (var chunk in page)
                {
                    committedSignatures[chunk.ChunkId] = (chunk.Revision, Signature(chunk));
                }
            }

            // A version staged earlier and never committed may have reached the indexes; drop what the committed
            // version does not hold (chunks this version shares with it are written again anyway).
            if (current.PendingVersion is { } abandoned)
            {
                await DeleteChunksNotKeptAsync(content.DocumentId, abandoned, committedSignatures.Keys, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (current?.PendingVersion is { } abandoned)
        {
            await DeleteChunksNotKeptAsync(content.DocumentId, abandoned, [], cancellationToken).ConfigureAwait(false);
        }

        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);

        // Chunks of the same page share one metadata dictionary: less memory held while the version waits for its
        // commits, and each store serializes it once per run of chunks instead of once per chunk.
        var metadataByPage = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        IReadOnlyDictionary<string, string>? pagelessMetadata = null;
        var (embeddedCount, reused, next) = (0, 0, 0);

        // Vectors kept for the publish of a many-batch version, up to a bound; the rest are read back from the registry.
        var kept = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        long keptBytes = 0;
        for (var batch = 0; ; batch++)
        {
            var chunks = new List<ChunkRecord>(Math.Min(BatchChunks, content.Chunks.Count - next));
            for (var chars = 0; next < content.Chunks.Count && chunks.Count < BatchChunks && (chunks.Count == 0 || chars < BatchChars); next++)
            {
                var chunk = content.Chunks[next];
                chars += chunk.Text.Length;
                var textHash = DocumentIds.TextHash(chunk.Text);
                var occurrence = occurrences.GetValueOrDefault(textHash);
                occurrences[textHash] = occurrence + 1;
                var record = new ChunkRecord
                {
                    ChunkId = DocumentIds.ChunkId(content.DocumentId, textHash, occurrence),
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
                    string.Equals(previous.Signature, Signature(record), StringComparison.Ordinal))
                {
                    record = record with { Revision = previous.Revision };
                }

                chunks.Add(record);
            }

            var last = next == content.Chunks.Count;
            var hashes = chunks.Select(c => c.TextHash).Distinct(StringComparer.Ordinal).ToList();
            var cached = await embeddingCache.GetEmbeddingsAsync(model, hashes, cancellationToken).ConfigureAwait(false);
            var fresh = await EmbedMissingAsync(chunks, hashes, cached, cancellationToken).ConfigureAwait(false);
            embeddedCount += fresh.Count;
            reused += chunks.Count(c => cached.ContainsKey(c.TextHash));
            if (last)
            {
                embedded?.Invoke(HeldBytes(chunks, fresh.Values.Concat(cached.Values)));
            }

            var staged = new StagedVersion
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
            };
            await IngestionInstruments.TimeAsync(
                "registry_stage",
                batch == 0 ? registry.StageAsync(staged, cancellationToken) : registry.AppendStagedChunksAsync(staged, cancellationToken)).ConfigureAwait(false);

            if (last && batch == 0)
            {
                // One batch: the version is published from memory, as it is.
                var known = new Dictionary<string, ReadOnlyMemory<float>>(cached, StringComparer.Ordinal);
                foreach (var (hash, vector) in fresh)
                {
                    known[hash] = vector;
                }

                return new StagedDocument(content.DocumentId, version, chunks, known, embeddedCount, reused);
            }

            foreach (var (hash, vector) in cached.Concat(fresh))
            {
                if (keptBytes + (vector.Length * sizeof(float)) <= KeptVectorBytes && kept.TryAdd(hash, vector))
                {
                    keptBytes += vector.Length * sizeof(float);
                }
            }

            if (last)
            {
                return new StagedDocument(content.DocumentId, version, null, kept, embeddedCount, reused);
            }
        }
    }

    /// <summary>Embeds the texts of <paramref name="hashes"/> that are not in <paramref name="cached"/>, each once.</summary>
    private async Task<Dictionary<string, ReadOnlyMemory<float>>> EmbedMissingAsync(
        List<ChunkRecord> chunks, List<string> hashes, IReadOnlyDictionary<string, ReadOnlyMemory<float>> cached, CancellationToken cancellationToken)
    {
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

        return fresh;
    }

    /// <summary>Deletes from both indexes the chunks of one version (an abandoned staged one, or the committed one being replaced) that <paramref name="keep"/> does not hold.</summary>
    private async Task DeleteChunksNotKeptAsync(string documentId, int abandoned, IReadOnlyCollection<string> keep, CancellationToken cancellationToken)
    {
        var kept = keep as ICollection<string> ?? keep.ToHashSet(StringComparer.Ordinal);
        await foreach (var page in ReadChunksAsync(documentId, abandoned, cancellationToken).ConfigureAwait(false))
        {
            await DeleteChunksAsync(page.Select(c => c.ChunkId).Where(id => !kept.Contains(id)).ToList(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the chunks of one version from the registry, <see cref="BatchChunks"/> at a time.</summary>
    private async IAsyncEnumerable<IReadOnlyList<ChunkRecord>> ReadChunksAsync(
        string documentId, int version, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await registry.GetChunksAsync(documentId, version, after, BatchChunks, cancellationToken).ConfigureAwait(false);
            if (page.Count > 0)
            {
                yield return page;
            }

            if (page.Count < BatchChunks)
            {
                yield break;
            }

            after = page[^1].ChunkId;
        }
    }

    /// <summary>
    /// Writes a staged version to both indexes, deletes the chunks of the committed version it does not keep, and
    /// commits it. With <paramref name="rewriteAll"/> every chunk is written, not only the new or changed ones. A
    /// version staged in batches is read back from the registry (chunks and vectors) <see cref="BatchChunks"/> at a time.
    /// </summary>
    /// <param name="staged">The staged version.</param>
    /// <param name="rewriteAll">Whether to write every chunk, not only the new or changed ones.</param>
    /// <param name="seenGeneration">The ingestion run that saw the document (see <see cref="IRunGenerationStore.MarkSeenAsync"/>), or 0.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>The number of chunks of the version, or <see langword="null"/> when it was no longer staged (a newer job got there first).</returns>
    public async Task<int?> PublishAsync(StagedDocument staged, bool rewriteAll, long seenGeneration, CancellationToken cancellationToken)
    {
        var document = await registry.GetAsync(staged.DocumentId, cancellationToken).ConfigureAwait(false);
        if (document?.PendingVersion != staged.Version)
        {
            return null;
        }

        HashSet<string>? kept = null;
        int count;
        if (staged.Chunks is { } chunks)
        {
            count = chunks.Count;
            await WriteAsync(rewriteAll ? chunks : chunks.Where(c => c.Revision == staged.Version).ToList(), staged.Embeddings, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            kept = document.Version > 0 ? new HashSet<string>(StringComparer.Ordinal) : null;
            count = 0;
            await foreach (var page in ReadChunksAsync(staged.DocumentId, staged.Version, cancellationToken).ConfigureAwait(false))
            {
                count += page.Count;
                kept?.UnionWith(page.Select(c => c.ChunkId));
                await WriteAsync(rewriteAll ? page : page.Where(c => c.Revision == staged.Version).ToList(), staged.Embeddings, cancellationToken).ConfigureAwait(false);
            }
        }

        if (document.Version == 0)
        {
            // No earlier version whose chunks must go between recording the index versions and the commit: one write.
            var published = await IngestionInstruments.TimeAsync(
                "registry_commit",
                registry.CommitPublishedAsync(staged.DocumentId, _indexNames, staged.Version, seenGeneration, cancellationToken)).ConfigureAwait(false);
            return published ? count : null;
        }

        await IngestionInstruments.TimeAsync("index_versions", registry.SetIndexVersionsAsync(staged.DocumentId, _indexNames, staged.Version, cancellationToken)).ConfigureAwait(false);

        if (document.Version > 0)
        {
            kept ??= staged.Chunks!.Select(c => c.ChunkId).ToHashSet(StringComparer.Ordinal);
            await DeleteChunksNotKeptAsync(staged.DocumentId, document.Version, kept, cancellationToken).ConfigureAwait(false);
        }

        var committed = await IngestionInstruments.TimeAsync("registry_commit", registry.CommitAsync(staged.DocumentId, staged.Version, cancellationToken)).ConfigureAwait(false);
        if (committed && seenGeneration > 0)
        {
            await generations.MarkSeenAsync([staged.DocumentId], seenGeneration, cancellationToken).ConfigureAwait(false);
        }

        return committed ? count : null;
    }

    /// <summary>
    /// Loads a staged version back from the registry (a job resumed after a crash continues from here). Its chunks
    /// stay in the registry: <see cref="PublishAsync"/> reads them in batches.
    /// </summary>
    public async Task<StagedDocument?> LoadStagedAsync(string documentId, int version, CancellationToken cancellationToken)
    {
        var document = await registry.GetAsync(documentId, cancellationToken).ConfigureAwait(false);
        return document?.PendingVersion != version ? null : new StagedDocument(documentId, version, null, EmptyVectors, 0, 0);
    }

    /// <summary>Removes a document from both indexes, then from the registry.</summary>
    /// <returns><see langword="false"/> when the registry did not know the document.</returns>
    public async Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken)
    {
        await embeddings.GetWriteModelKeyAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Upserts chunks into both indexes, their vectors from <paramref name="known"/> or else from the registry.</summary>
    private async Task WriteAsync(IReadOnlyList<ChunkRecord> toWrite, IReadOnlyDictionary<string, ReadOnlyMemory<float>> known, CancellationToken cancellationToken)
    {
        if (toWrite.Count == 0)
        {
            return;
        }

        var vectors = await VectorsAsync(toWrite, known, cancellationToken).ConfigureAwait(false);
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

    private async Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> VectorsAsync(
        IReadOnlyList<ChunkRecord> chunks, IReadOnlyDictionary<string, ReadOnlyMemory<float>> known, CancellationToken cancellationToken)
    {
        var missing = chunks.Select(c => c.TextHash).Where(h => !known.ContainsKey(h)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return known;
        }

        var model = await embeddings.GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var loaded = await embeddingCache.GetEmbeddingsAsync(model, missing, cancellationToken).ConfigureAwait(false);
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
