using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>Options of the embedded vector index (<c>DocPipeline:VectorIndex</c>).</summary>
public sealed class VectorIndexOptions
{
    /// <summary>Gets or sets the folder of the embedded vector index.</summary>
    /// <value>The default value is <see langword="null"/>: <c>vectors</c> under the data directory.</value>
    [DataPath]
    public string? Path { get; set; }

    /// <summary>
    /// Gets or sets how many vectors the vector file has room for when it is created. The file doubles whenever it
    /// is full, so this only saves the first few doublings of an index whose size is known in advance.
    /// </summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 100_000_000)]
    public int InitialCapacity { get; set; } = 1024;

    /// <summary>
    /// Gets or sets how many threads one search may use at most; 0 uses every core. Small indexes are always
    /// searched on one thread, because splitting them costs more than it saves.
    /// </summary>
    /// <value>The default value is 0 (every core).</value>
    [Range(0, 1024)]
    public int MaxSearchParallelism { get; set; }
}
