namespace DocPipeline.Ingestion;

/// <summary>A source that could not be processed.</summary>
/// <param name="Source">The source (a path, or the folder or glob that was given).</param>
/// <param name="Error">What went wrong, for a user.</param>
public sealed record IngestFailure(string Source, string Error);
