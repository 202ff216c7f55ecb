namespace DocPipeline.Jobs;

/// <summary>Describes why a job attempt failed.</summary>
/// <param name="Error">A message that tells a user what went wrong.</param>
/// <param name="Retryable"><see langword="false"/> when another attempt cannot succeed (for example a corrupt file).</param>
public readonly record struct JobFailure(string Error, bool Retryable);
