namespace DocPipeline.Jobs;

/// <summary>One failed attempt of a job, as the job store recorded it.</summary>
/// <param name="Attempt">The attempt that failed (1 for the first claim).</param>
/// <param name="At">When the failure was recorded.</param>
/// <param name="Message">The error.</param>
public sealed record JobError(int Attempt, DateTimeOffset At, string Message);
