namespace DocPipeline.Jobs;

/// <summary>The pending jobs of a store at a glance.</summary>
/// <param name="OldestCreatedAt">When the oldest pending job was created; <see langword="null"/> when none is pending.</param>
/// <param name="RetriesWaiting">Pending jobs that already failed an attempt and wait for their retry.</param>
/// <param name="ByPriority">How many jobs wait at each priority, the highest first.</param>
public sealed record PendingJobsSummary(DateTimeOffset? OldestCreatedAt, long RetriesWaiting, IReadOnlyList<PriorityCount> ByPriority);
