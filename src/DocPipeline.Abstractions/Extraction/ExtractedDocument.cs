namespace DocPipeline.Extraction;

/// <summary>The text and metadata an extractor read from a document.</summary>
public sealed class ExtractedDocument
{
    /// <summary>Gets the text, in document order (one section per page for paged formats).</summary>
    public required IReadOnlyList<ExtractedSection> Sections { get; init; }

    /// <summary>Gets metadata read from the document (for example <c>title</c>, <c>author</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether the document holds no text at all.</summary>
    public bool IsEmpty => Sections.All(static s => string.IsNullOrWhiteSpace(s.Text));
}
