using DocPipeline.Configuration;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Search;

namespace DocPipeline.Consistency;

/// <summary>
/// The registered <see cref="IDocPipeline"/>: the ingestion engine, with the <see cref="IndexStartupCheck"/> run before
/// the first operation that uses the indexes, for pipelines used without a host. It checks the container's own
/// indexes, which those operations open anyway.
/// </summary>
internal sealed class IndexCheckedPipeline(IngestionEngine engine, IndexStartupCheck check, Storage.DataFolderWriter? writer = null) : IDocPipeline
{
    public async Task<IngestResult> IngestAsync(IEnumerable<string> sources, IngestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        OperationOptionsValidator.ThrowIfInvalid(options);

        // Another process writing the folder: wait for it before the check opens the indexes (see DataFolderWriter).
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        await check.EnsureAsync(ownInstances: false, cancellationToken).ConfigureAwait(false);
        return await engine.IngestAsync(sources, options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IngestResult> ResumeAsync(IngestOptions options, CancellationToken cancellationToken = default)
    {
        OperationOptionsValidator.ThrowIfInvalid(options);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        await check.EnsureAsync(ownInstances: false, cancellationToken).ConfigureAwait(false);
        return await engine.ResumeAsync(options, cancellationToken).ConfigureAwait(false);
    }

    public Task<JobStatusCounts> GetQueueStatusAsync(CancellationToken cancellationToken = default) => engine.GetQueueStatusAsync(cancellationToken);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        OperationOptionsValidator.ThrowIfInvalid(options);
        await check.EnsureAsync(ownInstances: false, cancellationToken).ConfigureAwait(false);
        return await engine.SearchAsync(query, options, cancellationToken).ConfigureAwait(false);
    }

    private Task EnterAsync(CancellationToken cancellationToken) => writer?.EnterAsync(cancellationToken) ?? Task.CompletedTask;
}
