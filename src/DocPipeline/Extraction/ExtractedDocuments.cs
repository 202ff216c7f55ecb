namespace DocPipeline.Extraction;

/// <summary>Builds <see cref="ExtractedDocument"/> results the same way for every built-in format.</summary>
internal static class ExtractedDocuments
{
    /// <summary>Gets a document without any text: what every built-in extractor returns for zero bytes.</summary>
    public static ExtractedDocument Empty { get; } = new() { Sections = [] };

    /// <summary>Creates a document of one section without a page; whitespace-only text gives no section at all.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The document.</returns>
    public static ExtractedDocument Create(string text) => Create(text, metadata: null);

    /// <summary>Creates a document of one section without a page, with metadata.</summary>
    /// <param name="text">The text.</param>
    /// <param name="metadata">The metadata, or <see langword="null"/> for none.</param>
    /// <returns>The document.</returns>
    public static ExtractedDocument Create(string text, IReadOnlyDictionary<string, string>? metadata)
    {
        var trimmed = text.Trim();
        return new ExtractedDocument
        {
            Sections = trimmed.Length == 0 ? [] : [new ExtractedSection(trimmed, Page: null)],
            Metadata = metadata ?? new Dictionary<string, string>(StringComparer.Ordinal),
        };
    }

    /// <summary>Creates metadata from optional values, leaving out the missing and blank ones.</summary>
    /// <param name="entries">The keys and values.</param>
    /// <returns>The metadata.</returns>
    public static Dictionary<string, string> Metadata(params ReadOnlySpan<(string Key, string? Value)> entries)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            var clean = CollapseWhitespace(value);
            if (clean.Length > 0)
            {
                metadata[key] = clean;
            }
        }

        return metadata;
    }

    /// <summary>Collapses every run of whitespace in a short value (a title, a name) to one space and trims it.</summary>
    /// <param name="value">The value, or <see langword="null"/>.</param>
    /// <returns>The clean value; empty for <see langword="null"/>.</returns>
    public static string CollapseWhitespace(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.Empty;
        }

        var writer = new TextBlockWriter(value.Length);
        writer.Write(value);
        return writer.ToString();
    }
}
