namespace DocPipeline.Consistency;

/// <summary>A document whose index entries a registry rebuild could not turn back into a registry document.</summary>
/// <param name="DocumentId">The document id the index entries carry.</param>
/// <param name="Source">The source recorded with the entries, if any.</param>
/// <param name="Reason">Why it could not be recovered, and what happens to it next.</param>
public sealed record UnrecoveredDocument(string DocumentId, string? Source, string Reason);
