namespace DocPipeline.Configuration;

/// <summary>Options of the embedded vector index (<c>DocPipeline:VectorIndex</c>).</summary>
public sealed class VectorIndexOptions
{
    /// <summary>Gets or sets the folder of the embedded vector index.</summary>
    /// <value>The default value is <see langword="null"/>: <c>vectors</c> under the data directory.</value>
    public string? Path { get; set; }
}
