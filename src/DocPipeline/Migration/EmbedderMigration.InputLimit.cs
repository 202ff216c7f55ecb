using DocPipeline.Chunking;
using DocPipeline.Registry;

namespace DocPipeline.Migration;

/// <summary>
/// The input limit check of a migration: it reuses the registry's chunks as they are (no re-extraction, no re-chunking),
/// so every chunk must fit the chunk limit this process is configured with for the target embedder,
/// <c>DocPipeline:Chunking:MaxTokens</c>. Before anything is embedded, every committed chunk is checked; when some do
/// not fit, the migration stops with one message saying how many documents and chunks are over which limit, and
/// nothing starts or switches. Chunks written during the build are checked again before each batch.
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
        var over = new InputLimitScan();
        foreach (var chunk in chunks)
        {
            over.Add(chunk, Overflow(chunk));
        }

        over.ThrowIfAny(model, options.Value.Chunking.MaxTokens, documentsTotal: null);
    }

    /// <summary>Reads every committed chunk of the registry and throws, with the counts, when some are over the limit.</summary>
    private async Task ThrowIfRegistryOverInputLimitAsync(string model, CancellationToken cancellationToken)
    {
        if (tokenizer is null)
        {
            return;
        }

        var over = new InputLimitScan();
        var documents = 0L;
        string? after = null;
        while (await registry.ListAsync(new DocumentQuery { After = after, Limit = 256 }, cancellationToken).ConfigureAwait(false) is { Count: > 0 } page)
        {
            foreach (var document in page.Where(d => d.Version > 0))
            {
                documents++;
                foreach (var chunk in await registry.GetChunksAsync(document.Id, document.Version, cancellationToken).ConfigureAwait(false))
                {
                    over.Add(chunk, Overflow(chunk));
                }
            }

            after = page[^1].Id;
        }

        over.ThrowIfAny(model, options.Value.Chunking.MaxTokens, documents);
    }

    /// <summary>The tokens of <paramref name="chunk"/> when it is over the limit, else 0.</summary>
    private int Overflow(ChunkRecord chunk)
    {
        if (tokenizer is null)
        {
            return 0;
        }

        // A word piece covers at least one character, so a short text cannot be over the limit.
        var limit = options.Value.Chunking.MaxTokens;
        if (chunk.Text.Length + SpecialTokens <= limit)
        {
            return 0;
        }

        _counter ??= new WordTokenCounter(tokenizer);
        var tokens = _counter.Count(chunk.Text) + SpecialTokens;
        return tokens > limit ? tokens : 0;
    }

    /// <summary>The chunks over the limit found so far: counts and the longest one, in constant memory.</summary>
    private sealed class InputLimitScan
    {
        private string? _lastDocument;
        private long _documents;
        private long _chunks;
        private int _longest;
        private ChunkRecord? _longestChunk;

        public void Add(ChunkRecord chunk, int tokens)
        {
            if (tokens == 0)
            {
                return;
            }

            _chunks++;
            if (!string.Equals(_lastDocument, chunk.DocumentId, StringComparison.Ordinal))
            {
                _documents++;
                _lastDocument = chunk.DocumentId;
            }

            if (tokens > _longest)
            {
                (_longest, _longestChunk) = (tokens, chunk);
            }
        }

        public void ThrowIfAny(string model, int limit, long? documentsTotal)
        {
            if (_longestChunk is not { } longest)
            {
                return;
            }

            var of = documentsTotal is { } total ? $" of {total}" : string.Empty;
            throw new InvalidOperationException(
                $"The input limit of the embedder '{model}' is smaller than the registry's chunks: {_documents}{of} documents ({_chunks} chunks) hold chunks " +
                $"longer than DocPipeline:Chunking:MaxTokens ({limit}); the longest, chunk {longest.Ordinal} of document '{longest.DocumentId}', holds {_longest} tokens. " +
                "An embedder migration reuses the chunks and does not re-chunk, so nothing was embedded or switched. If the new model takes longer inputs, raise " +
                "DocPipeline:Chunking:MaxTokens (chunking.max_tokens) to its limit and run the migration again; otherwise build a new data folder with the new " +
                "embedder, which chunks for it.");
        }
    }
}
