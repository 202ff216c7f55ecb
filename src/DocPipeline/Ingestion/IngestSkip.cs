namespace DocPipeline.Ingestion;

/// <summary>A source that was left alone for a reason other than being unchanged.</summary>
/// <param name="Source">The source.</param>
/// <param name="Reason">Why it was skipped (for example no extractor handles its type).</param>
public sealed record IngestSkip(string Source, string Reason);
