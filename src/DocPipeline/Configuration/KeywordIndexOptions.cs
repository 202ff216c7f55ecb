using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of the embedded Lucene.Net keyword index (<c>DocPipeline:KeywordIndex</c>).</summary>
public sealed class KeywordIndexOptions
{
    /// <summary>Gets or sets the folder of the Lucene index.</summary>
    /// <value>The default value is <see langword="null"/>: <c>keyword</c> under the data directory.</value>
    [DataPath]
    public string? Path { get; set; }

    /// <summary>
    /// Gets or sets how often the searcher checks in the background for a commit it has not picked up. Searchers
    /// read the last commit, and every write commits and refreshes them before it completes, so this only matters
    /// when such a refresh failed.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how many megabytes of added text the index buffers in memory before it writes a segment
    /// between commits. Larger values help bulk loads such as a rebuild.
    /// </summary>
    /// <value>The default value is 64.</value>
    [Range(1.0, 2048.0)]
    public double RamBufferSizeMB { get; set; } = 64;
}
