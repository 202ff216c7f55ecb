namespace DocPipeline.Configuration;

/// <summary>Options of the document registry and artifact store (<c>DocPipeline:Registry</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary>Gets or sets the path of the SQLite registry (documents, chunks, embeddings).</summary>
    /// <value>The default value is <see langword="null"/>: <c>registry.db</c> under the data directory.</value>
    [DataPath]
    public string? StoragePath { get; set; }
}
