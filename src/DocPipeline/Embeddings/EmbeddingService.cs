using DocPipeline.Registry;
using Microsoft.Extensions.AI;

namespace DocPipeline.Embeddings;

/// <summary>
/// The pipeline's access to the embedding generator: knows the model key the embedding cache is keyed by, and makes
/// sure a data folder is only ever used with the embedder it was built with.
/// </summary>
/// <remarks>Calls go through the <see cref="BatchingEmbeddingGenerator"/>, so concurrent jobs share embedder calls.</remarks>
internal sealed partial class EmbeddingService(BatchingEmbeddingGenerator generator, ISettingsStore settings, EmbeddingUsage usage)
{
    internal const string EmbedderSettingKey = RegistrySettings.Embedder;

    private readonly SemaphoreSlim _identityLock = new(1, 1);
    private string? _modelKey;

    /// <summary>
    /// Gets the model key (<c>model id:dimensions</c>). The first call checks it against the one recorded in the
    /// registry (recording it for a new data folder) and throws <see cref="EmbedderMismatchException"/> on a mismatch.
    /// </summary>
    public async ValueTask<string> GetModelKeyAsync(CancellationToken cancellationToken)
    {
        if (_modelKey is { } known)
        {
            return known;
        }

        await _identityLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_modelKey is { } raced)
            {
                return raced;
            }

            var key = await DescribeAsync(generator, cancellationToken).ConfigureAwait(false);
            var recorded = await settings.GetSettingAsync(EmbedderSettingKey, cancellationToken).ConfigureAwait(false);
            if (recorded is null)
            {
                await settings.SetSettingAsync(EmbedderSettingKey, key, cancellationToken).ConfigureAwait(false);
            }
            else if (!string.Equals(recorded, key, StringComparison.Ordinal))
            {
                throw new EmbedderMismatchException(
                    $"This data folder was built with the embedder '{recorded}', but the configured embedder is '{key}'. " +
                    "Vectors of two models cannot be compared, so DocPipeline will not mix them. Use the original embedder, " +
                    "or build a new data folder with this one.");
            }

            _modelKey = key;
            return key;
        }
        finally
        {
            _identityLock.Release();
        }
    }

    /// <summary>Gets the process's embedding counters so far; a run's share is the difference of two readings.</summary>
    public EmbeddingStatistics ReadUsage() => usage.Read();

    /// <summary>Adds a run's embedding accounting to the data folder's totals (read by <c>manage --stats</c>); never fails the run.</summary>
    public async Task RecordRunAsync(EmbeddingStatistics run, CancellationToken cancellationToken)
    {
        try
        {
            await EmbeddingTotals.AddAsync(settings, run, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Accounting is best effort: the run's own result still carries its numbers.
        }
    }

    /// <summary>Embeds texts; the result has one vector per text, in order.</summary>
    public Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        EmbedAsync(generator, texts, cancellationToken);

    /// <summary>Embeds texts with <paramref name="generator"/>; the result has one vector per text, in order.</summary>
    internal static async Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        var embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {texts.Count} texts.");
        }

        return embeddings.Select(e => e.Vector).ToList();
    }

    /// <summary>The model key of <paramref name="generator"/> (<c>model id:dimensions</c>), the way the registry records it.</summary>
    internal static async Task<string> DescribeAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken)
    {
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        var model = metadata?.DefaultModelId ?? metadata?.ProviderName ?? generator.GetType().Name;
        var dimensions = metadata?.DefaultModelDimensions;
        if (dimensions is null)
        {
            // The generator does not say; one probe embedding tells.
            var probe = await EmbedAsync(generator, ["dimension probe"], cancellationToken).ConfigureAwait(false);
            dimensions = probe[0].Length;
        }

        return $"{model}:{dimensions}";
    }
}
