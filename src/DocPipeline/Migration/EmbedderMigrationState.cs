namespace DocPipeline.Migration;

/// <summary>Where an embedder migration stands.</summary>
public enum EmbedderMigrationState
{
    /// <summary>No migration was ever started on this data folder.</summary>
    None,

    /// <summary>The new vector generation is being built (or waits to be resumed); the old one serves.</summary>
    Building,

    /// <summary>The new embedder and its vector generation serve; the old one is kept for a rollback until cleanup.</summary>
    Switched,

    /// <summary>The migration was rolled back: the old embedder serves again; the new generation is kept until cleanup.</summary>
    RolledBack,
}
