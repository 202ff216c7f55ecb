namespace DocPipeline.Consistency;

/// <summary>What a repair found and did (or, in a dry run, would do).</summary>
public sealed class RepairResult
{
    /// <summary>Gets a value indicating whether nothing was changed (<see cref="RepairOptions.AutoFix"/> was off).</summary>
    public bool DryRun { get; init; }

    /// <summary>Gets the state before the repair.</summary>
    public required ConsistencyReport Before { get; init; }

    /// <summary>Gets, per index, what was done or would be done.</summary>
    public required IReadOnlyDictionary<string, IndexRepair> Indexes { get; init; }

    /// <summary>Gets the actions, one readable line each (what would be done, in a dry run).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Gets the state after the repair, checked again; <see langword="null"/> in a dry run.</summary>
    public ConsistencyReport? After { get; init; }
}
