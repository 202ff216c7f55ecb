namespace DocPipeline.Extraction;

/// <summary>The media types of the built-in formats, and the usual media type of each well-known file extension.</summary>
internal static class KnownMediaTypes
{
    public const string PlainText = "text/plain";
    public const string Csv = "text/csv";
    public const string Markdown = "text/markdown";
    public const string Html = "text/html";
    public const string Pdf = "application/pdf";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>The media type used when neither the extension nor the extractor names one.</summary>
    public const string Unknown = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = PlainText,
        [".text"] = PlainText,
        [".log"] = PlainText,
        [".csv"] = Csv,
        [".md"] = Markdown,
        [".markdown"] = Markdown,
        [".html"] = Html,
        [".htm"] = Html,
        [".pdf"] = Pdf,
        [".docx"] = Docx,
    };

    /// <summary>Gets the usual media type of a file extension.</summary>
    /// <param name="extension">The extension, with its dot.</param>
    /// <param name="mediaType">The media type, when the extension is well known.</param>
    /// <returns><see langword="true"/> when the extension is well known.</returns>
    public static bool TryGetForExtension(string extension, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? mediaType) =>
        ByExtension.TryGetValue(extension, out mediaType);
}
