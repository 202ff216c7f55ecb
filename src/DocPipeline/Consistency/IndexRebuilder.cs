using System.Runtime.CompilerServices;
using DocPipeline.Indexing;
using DocPipeline.Registry;

namespace DocPipeline.Consistency;

/// <summary>
/// Writes every committed chunk of the registry into empty indexes, from the stored text, metadata and embeddings.
/// Reading the next batch from the registry overlaps with writing the current one.
/// </summary>
internal sealed class IndexRebuilder(IDocumentRegistry registry, ArtifactWriter writer)
{
    private const int DocumentPage = 500;
    private const int ChunkBatch = 2048;

    /// <summary>Replays the registry into <paramref name="targets"/> (already emptied).</summary>
    /// <returns>Per target: documents written, chunks written, chunks left out for a missing embedding.</returns>
    public async Task<(long Documents, long Chunks, long Unrepairable)[]> ReplayAsync(IReadOnlyList<ISearchIndex> targets, CancellationToken cancellationToken)
    {
        var results = new (long Documents, long Chunks, long Unrepairable)[targets.Count];

        // The next batch is read from the registry while the current one is written.
        await foreach (var batch in ReadAsync(cancellationToken).ReadAheadAsync(batchSize: 1, capacity: 2, cancellationToken).ConfigureAwait(false))
        {
            var written = await Task.WhenAll(targets.Select(t => writer.WriteAsync(t, batch.Chunks, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < targets.Count; i++)
            {
                results[i].Documents += batch.Documents.Count;
                results[i].Chunks += written[i].Written;
                results[i].Unrepairable += written[i].MissingEmbeddings;
            }

            foreach (var document in batch.Documents)
            {
                var stale = targets.Where(t => document.IndexVersions.GetValueOrDefault(t.Name) != document.Version).Select(t => t.Name).ToList();
                if (stale.Count > 0)
                {
                    await registry.SetIndexVersionsAsync(document.Id, stale, document.Version, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return results;
    }

    private async IAsyncEnumerable<Batch> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var documents = new List<DocumentRecord>();
        var chunks = new List<ChunkRecord>(ChunkBatch);
        string? after = null;
        while (true)
        {
            var page = await registry.ListAsync(new DocumentQuery { After = after, Limit = DocumentPage }, cancellationToken).ConfigureAwait(false);
            foreach (var document in page)
            {
                if (document.Version == 0)
                {
                    continue;
                }

                documents.Add(document);
                chunks.AddRange(await registry.GetChunksAsync(document.Id, document.Version, cancellationToken).ConfigureAwait(false));
                if (chunks.Count >= ChunkBatch)
                {
                    yield return new Batch(documents, chunks);
                    documents = [];
                    chunks = new List<ChunkRecord>(ChunkBatch);
                }
            }

            if (page.Count < DocumentPage)
            {
                break;
            }

            after = page[^1].Id;
        }

        if (documents.Count > 0)
        {
            yield return new Batch(documents, chunks);
        }
    }

    private sealed record Batch(List<DocumentRecord> Documents, List<ChunkRecord> Chunks);
}
