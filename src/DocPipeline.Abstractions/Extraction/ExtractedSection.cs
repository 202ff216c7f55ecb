namespace DocPipeline.Extraction;

/// <summary>A run of text from a document, with the page it comes from when the format has pages.</summary>
/// <param name="Text">The text. Paragraphs are separated by a blank line.</param>
/// <param name="Page">The 1-based page number, or <see langword="null"/> for formats without pages.</param>
public sealed record ExtractedSection(string Text, int? Page);
