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

    /// <summary>
    /// Gets the model key for a job that writes the indexes, after checking that the data folder still records it: an
    /// embedder migration in another container or process may have switched the folder's embedder since this one checked,
    /// and a job embedding with the old model would then write into a vector generation that no longer serves. Costs one
    /// settings read per job.
    /// </summary>
    /// <exception cref="EmbedderMismatchException">
    /// The folder's embedder was switched (or rolled back) after this process checked it. The job fails and is retried;
    /// a process started with the folder's current embedder runs it.
    /// </exception>
    public async ValueTask<string> GetWriteModelKeyAsync(CancellationToken cancellationToken)
    {
        var key = await GetModelKeyAsync(cancellationToken).ConfigureAwait(false);
        var recorded = await settings.GetSettingAsync(EmbedderSettingKey, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(recorded, key, StringComparison.Ordinal))
        {
            throw new EmbedderMismatchException(
                $"The data folder's embedder was switched from '{key}' to '{recorded}' (an embedder migration) after this process started. " +
                $"Restart it with the embedder '{recorded}' to keep ingesting; this job is retried and nothing was written.");
        }

        return key;
    }

    /// <summary>Forgets the checked model key, so that the next use checks the registry again (after a switch of embedders).</summary>
    public void Forget() => _modelKey = null;
}
