using DocPipeline.Migration;

namespace DocPipeline.Embeddings;

/// <summary>The embedder check as an embedder migration changes it.</summary>
internal sealed partial class EmbeddingService
{
    /// <summary>
    /// Gets the model key for a search. Besides the embedder the registry records, a search may use the other embedder
    /// of a migration while its vector generation is kept: the process then serves that generation (see
    /// <see cref="VectorGenerationSelector"/>), so the query vector and the index always come from one model.
    /// </summary>
    /// <exception cref="EmbedderMismatchException">Neither the recorded embedder nor a kept generation's.</exception>
    public async ValueTask<string> GetQueryModelKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EmbedderMismatchException)
        {
            var key = await DescribeAsync(generator, cancellationToken).ConfigureAwait(false);
            var record = await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false);
            if (record is not null && record.TryGetGeneration(key, out _))
            {
                return key;
            }

            throw;
        }
    }

    /// <summary>Forgets the checked model key, so that the next use checks the registry again (after a switch of embedders).</summary>
    public void Forget() => _modelKey = null;
}
