namespace DocPipeline.Ingestion;

/// <summary>Which indexed documents a run removes when their source is gone.</summary>
public enum CleanupMode
{
    /// <summary>Remove nothing.</summary>
    None = 0,

    /// <summary>Remove documents under the run's folders and globs whose source was not seen by the run.</summary>
    Scoped = 1,

    /// <summary>Remove every document not seen by the run (the run's sources are the whole corpus).</summary>
    Full = 2,
}
