using DocPipeline.Registry;

namespace DocPipeline.Management;

/// <summary>One page of documents, ordered by id.</summary>
/// <param name="Documents">The documents.</param>
/// <param name="NextAfter">The value for <see cref="DocumentListOptions.After"/> that gets the next page, or <see langword="null"/> on the last page.</param>
public sealed record DocumentPage(IReadOnlyList<DocumentRecord> Documents, string? NextAfter);
