using DocPipeline.Embeddings;
using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Search;

/// <summary>
/// Answers searches from the vector index, the keyword index, or both fused with reciprocal rank fusion, and turns
/// index hits into results with text, source and page from the registry. A hit the registry does not know (an
/// orphan left by a crash, before repair) is dropped rather than shown without its text.
/// </summary>
internal sealed class DocumentSearcher(IVectorIndex vectorIndex, IKeywordIndex keywordIndex, IDocumentRegistry registry, EmbeddingService embeddings)
{
    /// <summary>The RRF constant from Cormack et al. (2009): damps the weight of top ranks so neither list dominates.</summary>
    internal const int RrfK = 60;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        Configuration.OperationOptionsValidator.ThrowIfInvalid(options);
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        // Hybrid looks deeper into each list so that a chunk ranked modestly by both can still make the top k.
        var depth = options.Mode == SearchMode.Hybrid ? Math.Max(options.TopK * 3, 30) : options.TopK;
        var vectorTask = options.Mode == SearchMode.Keyword ? Task.FromResult<IReadOnlyList<IndexHit>>([]) : VectorSearchAsync(query, depth, cancellationToken);
        var keywordTask = options.Mode == SearchMode.Vector ? Task.FromResult<IReadOnlyList<IndexHit>>([]) : keywordIndex.SearchAsync(query, depth, cancellationToken);
        await Task.WhenAll(vectorTask, keywordTask).ConfigureAwait(false);
        var vectorHits = await vectorTask.ConfigureAwait(false);
        var keywordHits = await keywordTask.ConfigureAwait(false);

        var ranked = options.Mode switch
        {
            SearchMode.Vector => vectorHits.Select(h => (h.ChunkId, Score: h.Score)).ToList(),
            SearchMode.Keyword => keywordHits.Select(h => (h.ChunkId, Score: h.Score)).ToList(),
            _ => Fuse(vectorHits, keywordHits),
        };

        var vectorScores = vectorHits.GroupBy(h => h.ChunkId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Score, StringComparer.Ordinal);
        var keywordScores = keywordHits.GroupBy(h => h.ChunkId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Score, StringComparer.Ordinal);
        var resolved = await registry.ResolveChunksAsync(ranked.Select(r => r.ChunkId).ToList(), cancellationToken).ConfigureAwait(false);

        var hits = new List<SearchHit>(options.TopK);
        foreach (var (chunkId, score) in ranked)
        {
            if (!resolved.TryGetValue(chunkId, out var chunk))
            {
                continue;
            }

            hits.Add(new SearchHit
            {
                DocumentId = chunk.Chunk.DocumentId,
                Source = chunk.Source,
                ChunkId = chunkId,
                Text = chunk.Chunk.Text,
                Page = chunk.Chunk.Page,
                Score = score,
                VectorScore = vectorScores.TryGetValue(chunkId, out var v) ? v : null,
                KeywordScore = keywordScores.TryGetValue(chunkId, out var k) ? k : null,
            });
            if (hits.Count == options.TopK)
            {
                break;
            }
        }

        return hits;
    }

    /// <summary>Reciprocal rank fusion: each list contributes 1 / (k + rank) for every chunk it returned.</summary>
    internal static List<(string ChunkId, double Score)> Fuse(IReadOnlyList<IndexHit> vectorHits, IReadOnlyList<IndexHit> keywordHits)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var list in new[] { vectorHits, keywordHits })
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                var id = list[rank].ChunkId;
                scores[id] = scores.GetValueOrDefault(id) + (1.0 / (RrfK + rank + 1));
                firstSeen.TryAdd(id, firstSeen.Count);
            }
        }

        return scores
            .OrderByDescending(p => p.Value)
            .ThenBy(p => firstSeen[p.Key])
            .Select(p => (p.Key, p.Value))
            .ToList();
    }

    private async Task<IReadOnlyList<IndexHit>> VectorSearchAsync(string query, int depth, CancellationToken cancellationToken)
    {
        await embeddings.GetQueryModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var vector = await embeddings.EmbedAsync([query], cancellationToken).ConfigureAwait(false);
        return await vectorIndex.SearchAsync(vector[0], depth, cancellationToken).ConfigureAwait(false);
    }
}
