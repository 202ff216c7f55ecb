namespace DocPipeline.Jobs;

/// <summary>How many pending jobs wait at one priority.</summary>
/// <param name="Priority">The priority.</param>
/// <param name="Count">The number of pending jobs.</param>
public sealed record PriorityCount(int Priority, long Count);
