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
}
