using DocPipeline.Embeddings;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.AI;

namespace DocPipeline.Migration;

/// <summary>
/// Before a catch-up: checks that a vector generation holds vectors of the model it is caught up for. The catch-up
/// compares chunk ids and versions only, and a generation can hold current ids and versions from another model: a
/// backup holds the serving generation's files, and a restore into an empty folder puts them where the original
/// generation lives, so after a switch the "old" generation of a restored folder holds the new model's vectors.
/// </summary>
/// <remarks>
/// The check goes through the vector-index contract: a few current chunks of the generation are embedded with the
/// expected model (the embedding cache first) and searched for; each must come back with a cosine of at least
/// <see cref="SameModelScore"/>. A query of other dimensions, refused by the index, is another model too. A generation
/// of another model is cleared, so the catch-up re-embeds every chunk.
/// </remarks>
internal sealed partial class EmbedderMigration
{
    /// <summary>How many of the generation's current chunks are checked.</summary>
    private const int ModelProbeChunks = 4;

    /// <summary>The cosine from which a chunk's stored vector is the expected model's vector of its text.</summary>
    private const double SameModelScore = 0.999;

    /// <summary>
    /// Clears <paramref name="index"/> when its vectors are not <paramref name="model"/>'s; returns whether it did.
    /// </summary>
    private async Task<bool> ClearIfOtherModelAsync(
        IVectorIndex index, string model, IEmbeddingGenerator<string, Embedding<float>> generator, string generation, CancellationToken cancellationToken)
    {
        var probes = await ProbeChunksAsync(index, cancellationToken).ConfigureAwait(false);
        if (probes.Count == 0)
        {
            return false;
        }

        var cached = await cache.GetEmbeddingsAsync(model, probes.Select(c => c.TextHash).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var missing = probes.Where(c => !cached.ContainsKey(c.TextHash)).ToList();
        var fresh = missing.Count == 0 ? [] : await EmbeddingService.EmbedAsync(generator, missing.Select(c => c.Text).ToList(), cancellationToken).ConfigureAwait(false);
        var vectors = new Dictionary<string, ReadOnlyMemory<float>>(cached, StringComparer.Ordinal);
        for (var i = 0; i < missing.Count; i++)
        {
            vectors[missing[i].TextHash] = fresh[i];
        }

        foreach (var chunk in probes)
        {
            if (await IsSameModelAsync(index, vectors[chunk.TextHash], cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            MigrationLog.OtherModel(_logger, generation, model, chunk.ChunkId);
            await index.ClearAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private static async Task<bool> IsSameModelAsync(IVectorIndex index, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        IReadOnlyList<IndexHit> hits;
        try
        {
            hits = await index.SearchAsync(vector, 1, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // The index holds vectors of other dimensions: another model.
            return false;
        }

        return hits.Count > 0 && hits[0].Score >= SameModelScore;
    }

    /// <summary>Up to <see cref="ModelProbeChunks"/> chunks the generation holds at their document's committed version.</summary>
    private async Task<List<ChunkRecord>> ProbeChunksAsync(IVectorIndex index, CancellationToken cancellationToken)
    {
        var probes = new List<ChunkRecord>();
        var looked = 0;
        await foreach (var entry in index.ListEntriesAsync(cancellationToken).ConfigureAwait(false))
        {
            // Bounded: a generation whose first entries are all stale is left to the catch-up.
            if (probes.Count >= ModelProbeChunks || ++looked > ModelProbeChunks * 8)
            {
                break;
            }

            if (await registry.GetAsync(entry.DocumentId, cancellationToken).ConfigureAwait(false) is not { Version: > 0 } document)
            {
                continue;
            }

            var chunks = await registry.GetChunksAsync(entry.DocumentId, document.Version, cancellationToken).ConfigureAwait(false);
            if (chunks.FirstOrDefault(c => string.Equals(c.ChunkId, entry.ChunkId, StringComparison.Ordinal) && c.Revision == entry.Version) is { } chunk)
            {
                probes.Add(chunk);
            }
        }

        return probes;
    }
}
