using DocPipeline.Configuration;

namespace DocPipeline.Indexing.Keyword;

/// <summary>What a <see cref="LuceneKeywordIndex"/> is opened with, copied from the options when it is created.</summary>
/// <param name="Path">The full path of the index folder, or <see langword="null"/> for an in-memory index.</param>
/// <param name="RefreshInterval">How often the searcher checks in the background for a commit it has not picked up.</param>
/// <param name="RamBufferSizeMB">The writer's indexing buffer.</param>
internal sealed record LuceneKeywordIndexSettings(string? Path, TimeSpan RefreshInterval, double RamBufferSizeMB)
{
    /// <summary>The default name of the index folder under the data directory.</summary>
    public const string DefaultFolderName = Consistency.DataFolderLayout.KeywordFolderName;

    /// <summary>
    /// Gets a value indicating whether concurrent writes share commits (the default). When <see langword="false"/>,
    /// each write applies its changes and commits alone, one write at a time: what a writer without group commit
    /// does, kept only as the baseline that benchmarks measure group commit against.
    /// </summary>
    public bool GroupCommit { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the index is opened for reading only, beside a writer in another process (see
    /// <see cref="DocPipelineOptions.ReadOnly"/>).
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>Gets a value indicating whether the index lives in memory only.</summary>
    public bool IsInMemory => Path is null;

    /// <summary>Gets how messages name the index: its folder, or <c>in-memory</c>.</summary>
    public string Location => Path ?? "in-memory";

    /// <summary>The on-disk index configured by <paramref name="options"/>.</summary>
    public static LuceneKeywordIndexSettings OnDisk(DocPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keyword = options.KeywordIndex;
        return new(options.ResolvePath(keyword.Path, DefaultFolderName), keyword.RefreshInterval, keyword.RamBufferSizeMB) { ReadOnly = options.ReadOnly };
    }

    /// <summary>An in-memory index with the tuning of <paramref name="options"/>.</summary>
    public static LuceneKeywordIndexSettings InMemory(DocPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(null, options.KeywordIndex.RefreshInterval, options.KeywordIndex.RamBufferSizeMB);
    }
}
