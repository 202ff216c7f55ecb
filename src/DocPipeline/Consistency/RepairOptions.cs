namespace DocPipeline.Consistency;

/// <summary>How <see cref="IIndexMaintenance.RepairAsync"/> runs.</summary>
public sealed class RepairOptions
{
    /// <summary>
    /// Gets a value indicating whether the repair changes the indexes. When <see langword="false"/>, it is a dry run
    /// that lists what it would do.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AutoFix { get; init; }

    /// <summary>
    /// Gets a value indicating whether a repair may delete every entry of an index. Without it, a repair that would
    /// (the registry holds no committed chunk while an index holds entries: most likely a lost or emptied registry)
    /// is refused with the way back: restore a backup, or rebuild the registry from the indexes
    /// (<see cref="IIndexMaintenance.RebuildRegistryAsync"/>). The CLI flag is <c>--allow-delete-all</c>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowDeleteAll { get; init; }
}
