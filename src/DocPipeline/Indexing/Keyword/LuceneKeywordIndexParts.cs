using DocPipeline.Configuration;
using DocPipeline.Consistency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// The on-disk Lucene index's part in backups (a snapshot of its last commit) and in verify (the commit's files
/// present and whole, or when deep Lucene's CheckIndex). An index kept in memory takes no part.
/// </summary>
internal sealed class LuceneKeywordIndexParts(IServiceProvider services, IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<LuceneKeywordIndex>? logger = null)
    : EmbeddedIndexParts<LuceneKeywordIndex>(options, time, logger ?? (ILogger)NullLogger.Instance)
{
    /// <inheritdoc/>
    public override string Name => DataFolderLayout.Keyword;

    /// <inheritdoc/>
    protected override LuceneKeywordIndex? Index => services.GetService<IKeywordIndex>() as LuceneKeywordIndex is { IsInMemory: false } index ? index : null;

    /// <inheritdoc/>
    protected override Task CopyToAsync(LuceneKeywordIndex index, string destination, CancellationToken cancellationToken) => index.CopyToAsync(destination, cancellationToken);

    /// <inheritdoc/>
    protected override string Describe(bool deep) => deep ? "CheckIndex, every file against its checksum" : "the last commit's files present and whole";

    /// <inheritdoc/>
    protected override async Task<(string? Error, string? Note)> CheckAsync(LuceneKeywordIndex index, bool deep, CancellationToken cancellationToken) =>
        (await index.CheckIntegrityAsync(deep, cancellationToken).ConfigureAwait(false), null);
}
