using DocPipeline.Configuration;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Maintenance;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing;

/// <summary>
/// What verify, repair and rebuild do to an embedded index instance beyond <see cref="ISearchIndex"/>: open it and
/// tell damage from a lock held elsewhere, move damaged files aside, write a new index beside it and swap it in, and
/// read its entries already sorted. The embedded indexes say it themselves here, next to them, so that the
/// maintenance code never checks their types; any other index has none of this and is cleared and replayed in place.
/// </summary>
internal abstract class FolderIndex
{
    /// <summary>Gets the index.</summary>
    public abstract ISearchIndex Index { get; }

    /// <summary>Gets the folder of the index files, or <see langword="null"/> when the index lives in memory.</summary>
    public abstract string? Folder { get; }

    /// <summary>Gets whether a file name in <see cref="Folder"/> is one of the index's files.</summary>
    public abstract Func<string, bool> IsIndexFile { get; }

    /// <summary>Gets what an embedded index instance can do, or <see langword="null"/> for any other index.</summary>
    public static FolderIndex? Of(ISearchIndex index) => index switch
    {
        EmbeddedVectorIndex vector => new EmbeddedVectorFolder(vector),
        LuceneKeywordIndex keyword => new LuceneKeywordFolder(keyword),
        _ => null,
    };

    /// <summary>Opens the index if needed and says whether it is usable: healthy, held by another process, or damaged.</summary>
    /// <returns>The state and, unless healthy, the error naming the index and its file.</returns>
    public abstract Task<StoreHealth> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="OpenAsync"/>, but as cheaply as the index allows: what a pipeline checks when it starts. An
    /// index may leave loading the rest to its first use (which reports damage found then).
    /// </summary>
    /// <returns>The state and, unless healthy, the error naming the index and its file.</returns>
    public virtual Task<StoreHealth> ProbeAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Moves the files of a damaged index aside (never deleting them) and opens it empty.</summary>
    /// <returns>Where the damaged files went, or <see langword="null"/> when there were none.</returns>
    public abstract Task<string?> SetAsideDamagedAsync(TimeProvider time, CancellationToken cancellationToken);

    /// <summary>Creates an index of the same kind over <paramref name="folder"/> (a rebuild written beside the live one).</summary>
    public abstract ISearchIndex CreateAt(string folder, DocPipelineOptions options, TimeProvider time, ILogger logger);

    /// <summary>Closes the index and opens it again, swapping in a finished rebuild beside it.</summary>
    public abstract Task ReopenAsync(CancellationToken cancellationToken);
}
