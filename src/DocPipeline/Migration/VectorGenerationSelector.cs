using DocPipeline.Embeddings;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Migration;

/// <summary>
/// Picks the vector generation a process serves once a data folder has had an embedder migration: the generation of
/// the embedder this process is configured with when the migration record still keeps one (so a process started with
/// the old embedder searches the old generation, and one started with the new embedder the new one, whatever the
/// switch does meanwhile), otherwise the generation of the embedder the registry records.
/// </summary>
/// <remarks>Vector index backends call <see cref="Resolve"/> once, when they are created.</remarks>
internal sealed class VectorGenerationSelector(IServiceProvider services)
{
    /// <summary>The service key of a <c>Func&lt;string?&gt;</c> that resolves the generation, for vector index packages.</summary>
    public const string ServiceKey = "DocPipeline.VectorGeneration";

    /// <summary>Checks a generation name: letters, digits and dashes, so that it fits a folder or collection name.</summary>
    /// <param name="generation">The name.</param>
    /// <returns>The name.</returns>
    public static string CheckName(string generation)
    {
        ArgumentException.ThrowIfNullOrEmpty(generation);
        if (generation.Length > 40 || !generation.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"The vector generation name '{generation}' must be 1 to 40 letters, digits or dashes.", nameof(generation));
        }

        return generation;
    }

    /// <summary>Reads the generation this process serves (<see langword="null"/>: the original one).</summary>
    /// <remarks>
    /// Index constructors are synchronous, so this blocks on the registry read; it runs on the thread pool, away from any
    /// synchronization context of the caller, and only for a folder that ever had a second generation (the embedded
    /// index asks only when a <c>vectors.gen-*</c> folder exists), so a data folder that never migrated reads nothing.
    /// </remarks>
    /// <exception cref="DocPipelineStorageException">
    /// The migration record or the recorded embedder cannot be read: no generation is guessed, since searching the wrong
    /// one would give wrong answers without an error.
    /// </exception>
    public string? Resolve()
    {
        try
        {
            return Task.Run(() => ResolveAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or InvalidOperationException or IOException or System.Text.Json.JsonException)
        {
            throw new DocPipelineStorageException(
                "Which vector generation serves this data folder cannot be read from the registry (an embedder migration left more than one), " +
                $"so no vector index is opened rather than the wrong one: {ex.Message}", ex);
        }
    }

    private async Task<string?> ResolveAsync(CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<ISettingsStore>();
        if (await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }

        if (Generator() is { } generator &&
            record.TryGetGeneration(await EmbeddingService.DescribeAsync(generator, cancellationToken).ConfigureAwait(false), out var own))
        {
            return own;
        }

        var recorded = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
        return record.TryGetGeneration(recorded, out var serving) ? serving : null;
    }

    /// <summary>The process's embedder, or <see langword="null"/> when it has none (a maintenance-only container).</summary>
    private BatchingEmbeddingGenerator? Generator()
    {
        try
        {
            return services.GetService<BatchingEmbeddingGenerator>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
