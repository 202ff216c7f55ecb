namespace DocPipeline.Registry;

/// <summary>Keys of the registry-wide settings DocPipeline records.</summary>
public static class RegistrySettings
{
    /// <summary>The embedder the data was built with, as <c>model id:dimensions</c>. Later runs with another embedder are refused.</summary>
    public const string Embedder = "embedder";

    /// <summary>
    /// The embedder migration record (JSON: the embedders and vector generations it goes from and to, its state and
    /// its cursor), written by the embedder migration; absent until the first one.
    /// </summary>
    public const string EmbedderMigration = "embedder_migration";
}
