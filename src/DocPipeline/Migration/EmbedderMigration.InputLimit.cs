using DocPipeline.Chunking;
using DocPipeline.Registry;

namespace DocPipeline.Migration;

/// <summary>
/// The input limit check of a migration: it reuses the registry's chunks as they are (no re-extraction, no re-chunking),
/// so every chunk must fit the chunk limit this process is configured with for the target embedder,
/// <c>DocPipeline:Chunking:MaxTokens</c>. A chunk that does not stops the migration with a message naming that option,
/// before anything of its batch is embedded; nothing switches, and the build resumes from its cursor when run again.
/// </summary>
/// <remarks>
/// Re-chunking in place is not done: the new chunks would differ from the ones the keyword index and the serving vector
/// generation hold, so it is a re-ingest of those documents (a new data folder built with the new embedder).
/// </remarks>
internal sealed partial class EmbedderMigration
{
    /// <summary>The special tokens the model adds to each input, which the chunker reserves within the limit.</summary>
    private const int SpecialTokens = 2;

    private WordTokenCounter? _counter;

    /// <summary>Throws when one of <paramref name="chunks"/> is longer than the configured chunk limit.</summary>
    private void ThrowIfOverInputLimit(IReadOnlyList<ChunkRecord> chunks, string model)
    {
        if (tokenizer is null)
        {
            return;
        }

        var limit = options.Value.Chunking.MaxTokens;
        _counter ??= new WordTokenCounter(tokenizer);
        foreach (var chunk in chunks)
        {
            // A word piece covers at least one character, so a short text cannot be over the limit.
            if (chunk.Text.Length + SpecialTokens <= limit)
            {
                continue;
            }

            var tokens = _counter.Count(chunk.Text) + SpecialTokens;
            if (tokens > limit)
            {
                throw new InvalidOperationException(
                    $"The input limit of the embedder '{model}' is smaller than the registry's chunks: chunk {chunk.Ordinal} of document '{chunk.DocumentId}' " +
                    $"holds {tokens} tokens, more than DocPipeline:Chunking:MaxTokens ({limit}). An embedder migration reuses the chunks and does not re-chunk, " +
                    "so nothing was switched. If the new model takes longer inputs, raise DocPipeline:Chunking:MaxTokens (chunking.max_tokens) to its limit and " +
                    "run the migration again (it resumes); otherwise build a new data folder with the new embedder, which chunks for it.");
            }
        }
    }
}
