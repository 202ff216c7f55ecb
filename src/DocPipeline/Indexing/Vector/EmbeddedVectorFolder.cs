using DocPipeline.Configuration;
using DocPipeline.Maintenance;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Vector;

/// <summary>The embedded vector index as maintenance sees it (see <see cref="FolderIndex"/>).</summary>
internal sealed class EmbeddedVectorFolder(EmbeddedVectorIndex vector) : FolderIndex
{
    public override ISearchIndex Index => vector;

    public override string? Folder => vector.DirectoryPath;

    public override Func<string, bool> IsIndexFile => EmbeddedVectorIndex.IsIndexFile;

    public override Task<StoreHealth> OpenAsync(CancellationToken cancellationToken) => HealthAsync(vector.TryOpenAsync(cancellationToken));

    public override Task<StoreHealth> ProbeAsync(CancellationToken cancellationToken) => HealthAsync(vector.TryProbeAsync(cancellationToken));

    private static async Task<StoreHealth> HealthAsync(Task<DocPipelineStorageException?> open)
    {
        if (await open.ConfigureAwait(false) is not { } failure)
        {
            return StoreHealth.Healthy;
        }

        // A failed open keeps the folder lock, so the lock file cannot tell who holds it; the error can: the lock is
        // the first thing an open takes, and its failure names the held lock file.
        var locked = failure.Message.Contains($"{VectorFolderLock.FileName}' is held", StringComparison.Ordinal);
        return new StoreHealth(locked ? StoreHealthState.InUse : StoreHealthState.Damaged, failure.Message);
    }

    public override async Task<string?> SetAsideDamagedAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var suffix = await vector.ResetAsync(cancellationToken).ConfigureAwait(false);
        return Path.Combine(vector.DirectoryPath, "*" + suffix);
    }

    public override ISearchIndex CreateAt(string folder, DocPipelineOptions options, TimeProvider time, ILogger logger) =>
        new EmbeddedVectorIndex(folder, options.VectorIndex, time, logger, options.ReadOnly);

    public override Task ReopenAsync(CancellationToken cancellationToken) => vector.ReopenAsync(cancellationToken);

}
