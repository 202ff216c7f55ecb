namespace DocPipeline.Configuration;

/// <summary>Options of the embedded Lucene.Net keyword index (<c>DocPipeline:KeywordIndex</c>).</summary>
public sealed class KeywordIndexOptions
{
    /// <summary>Gets or sets the folder of the Lucene index.</summary>
    /// <value>The default value is <see langword="null"/>: <c>keyword</c> under the data directory.</value>
    public string? Path { get; set; }
}
