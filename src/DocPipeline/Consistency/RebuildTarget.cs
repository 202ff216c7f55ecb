namespace DocPipeline.Consistency;

/// <summary>Which indexes <see cref="IIndexMaintenance.RebuildAsync"/> rebuilds.</summary>
[Flags]
public enum RebuildTarget
{
    /// <summary>The vector index.</summary>
    Vector = 1,

    /// <summary>The keyword index.</summary>
    Keyword = 2,

    /// <summary>Both indexes.</summary>
    Both = Vector | Keyword,
}
