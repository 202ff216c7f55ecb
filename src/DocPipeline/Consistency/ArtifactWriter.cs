using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>
/// Writes stored chunks into an index from the artifact store alone: the text and metadata from the chunk, the vector
/// from the stored embedding. The embedder is never called; a chunk whose embedding is missing is counted, not written.
/// </summary>
internal sealed class ArtifactWriter(IEmbeddingCache embeddings, ISettingsStore settings)
{
    private readonly SemaphoreSlim _modelLock = new(1, 1);
    private bool _modelRead;
    private string? _model;

    /// <summary>Upserts <paramref name="chunks"/> into <paramref name="index"/>, each entry carrying its chunk's revision.</summary>
    /// <returns>The number written, and the number left out because their embedding is not stored.</returns>
    public async Task<(int Written, int MissingEmbeddings)> WriteAsync(ISearchIndex index, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        if (chunks.Count == 0)
        {
            return (0, 0);
        }

        switch (index)
        {
            case IKeywordIndex keyword:
                await keyword.UpsertAsync(
                    chunks.Select(c => new KeywordRecord { ChunkId = c.ChunkId, DocumentId = c.DocumentId, Version = c.Revision, Text = c.Text, Metadata = c.Metadata }).ToList(),
                    cancellationToken).ConfigureAwait(false);
                return (chunks.Count, 0);
            case IVectorIndex vector:
                var model = await ModelAsync(cancellationToken).ConfigureAwait(false);
                var vectors = model is null
                    ? new Dictionary<string, ReadOnlyMemory<float>>()
                    : await embeddings.GetEmbeddingsAsync(model, chunks.Select(c => c.TextHash).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
                var records = new List<VectorRecord>(chunks.Count);
                foreach (var chunk in chunks)
                {
                    if (vectors.TryGetValue(chunk.TextHash, out var embedding))
                    {
                        records.Add(new VectorRecord { ChunkId = chunk.ChunkId, DocumentId = chunk.DocumentId, Version = chunk.Revision, Vector = embedding, Metadata = chunk.Metadata });
                    }
                }

                if (records.Count > 0)
                {
                    await vector.UpsertAsync(records, cancellationToken).ConfigureAwait(false);
                }

                return (records.Count, chunks.Count - records.Count);
            default:
                throw new NotSupportedException($"The index '{index.Name}' ({index.GetType().Name}) is neither a vector nor a keyword index; it cannot be written from stored chunks.");
        }
    }

    /// <summary>The embedding model key the registry's embeddings are stored under (recorded when the data folder was first used).</summary>
    private async Task<string?> ModelAsync(CancellationToken cancellationToken)
    {
        if (_modelRead)
        {
            return _model;
        }

        await _modelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_modelRead)
            {
                _model = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
                _modelRead = true;
            }

            return _model;
        }
        finally
        {
            _modelLock.Release();
        }
    }
}
