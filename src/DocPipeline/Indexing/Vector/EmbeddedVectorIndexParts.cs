using DocPipeline.Configuration;
using DocPipeline.Consistency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The embedded vector index's part in backups (its two files, copied under its lock) and in verify (the catalog's
/// SQLite check and every vector: a unit vector, or when deep its checksum).
/// </summary>
internal sealed class EmbeddedVectorIndexParts(IServiceProvider services, IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<EmbeddedVectorIndex>? logger = null)
    : EmbeddedIndexParts<EmbeddedVectorIndex>(options, time, logger ?? (ILogger)NullLogger.Instance)
{
    /// <inheritdoc/>
    public override string Name => DataFolderLayout.Vector;

    /// <inheritdoc/>
    protected override EmbeddedVectorIndex? Index => services.GetService<IVectorIndex>() as EmbeddedVectorIndex;

    /// <inheritdoc/>
    protected override Task CopyToAsync(EmbeddedVectorIndex index, string destination, CancellationToken cancellationToken) => index.CopyToAsync(destination, cancellationToken);

    /// <inheritdoc/>
    protected override string Describe(bool deep) =>
        deep ? "catalog integrity_check, every vector against its checksum" : "catalog quick_check, every vector a unit vector";

    /// <inheritdoc/>
    protected override async Task<(string? Error, string? Note)> CheckAsync(EmbeddedVectorIndex index, bool deep, CancellationToken cancellationToken)
    {
        var (_, added, problems) = await index.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false);
        return (problems.Count == 0 ? null : string.Join(" ", problems), added == 0 ? null : $"recorded the checksums of {added} vectors stored before checksums existed");
    }
}
