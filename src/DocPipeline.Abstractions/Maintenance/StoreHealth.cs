namespace DocPipeline.Maintenance;

/// <summary>Whether a store can be used, and why not.</summary>
/// <param name="State">The state.</param>
/// <param name="Reason">Why the store cannot be used, naming it and its location; <see langword="null"/> when healthy.</param>
public sealed record StoreHealth(StoreHealthState State, string? Reason)
{
    /// <summary>Gets the state of a store that can be used.</summary>
    public static StoreHealth Healthy { get; } = new(StoreHealthState.Healthy, null);
}
