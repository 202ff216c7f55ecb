using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// Generations of the embedded index (<see cref="IVectorIndexGenerations"/>): each one a folder beside the original,
/// <c>vectors.gen-&lt;name&gt;</c>, with its own files and lock.
/// </summary>
internal sealed partial class EmbeddedVectorIndex : IVectorIndexGenerations
{
    /// <summary>What joins the original folder's name and a generation name.</summary>
    internal const string GenerationInfix = ".gen-";

    private string? _baseDirectory;
    private string? _generation;

    /// <inheritdoc/>
    public string? Generation => _generation;

    private string BaseDirectory => _baseDirectory ?? _directory;

    /// <inheritdoc/>
    public IVectorIndex OpenGeneration(string? generation)
    {
        var options = new VectorIndexOptions { InitialCapacity = _initialCapacity, MaxSearchParallelism = _parallelism };
        return new EmbeddedVectorIndex(GenerationFolder(BaseDirectory, generation), options, _timeProvider, _logger, _readOnly)
        {
            _baseDirectory = BaseDirectory,
            _generation = generation,
        };
    }

    /// <inheritdoc/>
    public Task DeleteGenerationAsync(string? generation, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly();
        if (string.Equals(generation, _generation, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The vector generation '{generation ?? "(original)"}' serves this process; it cannot be deleted.");
        }

        var folder = GenerationFolder(BaseDirectory, generation);
        if (!Directory.Exists(folder))
        {
            return Task.CompletedTask;
        }

        // The folder lock says no other process has the generation open; it is released before the folder goes.
        using (VectorFolderLock.Acquire(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder).Where(f => IsIndexFile(Path.GetFileName(f))).ToList())
            {
                File.Delete(file);
            }
        }

        Directory.Delete(folder, recursive: true);
        Migration.MigrationLog.GenerationDeleted(_logger, folder);
        return Task.CompletedTask;
    }

    /// <summary>The folder of <paramref name="generation"/> beside <paramref name="baseDirectory"/>.</summary>
    internal static string GenerationFolder(string baseDirectory, string? generation) =>
        generation is null ? baseDirectory : Path.TrimEndingDirectorySeparator(baseDirectory) + GenerationInfix + Migration.VectorGenerationSelector.CheckName(generation);

    /// <summary>The configured folder, or the folder of the generation this process serves after an embedder migration.</summary>
    private static string ResolveDirectory(IOptions<DocPipelineOptions> options, Migration.VectorGenerationSelector? generations, out string? generation)
    {
        var baseDirectory = Path.GetFullPath(ResolveDirectory(options));
        generation = null;
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(baseDirectory));

        // Only a folder that ever had a second generation reads the registry for it.
        if (generations is not null && parent is not null && Directory.Exists(parent) &&
            Directory.EnumerateDirectories(parent, Path.GetFileName(Path.TrimEndingDirectorySeparator(baseDirectory)) + GenerationInfix + "*").Any())
        {
            generation = generations.Resolve();
        }

        return GenerationFolder(baseDirectory, generation);
    }
}
