namespace DocPipeline.Extraction;

/// <summary>
/// Reads plain text (<c>.txt</c>, <c>.text</c>, <c>.log</c>, <c>.csv</c>): strict UTF-8, or UTF-16/UTF-32 when a byte
/// order mark says so; binary data and invalid bytes are refused with their offset. The text is one section.
/// </summary>
internal sealed class PlainTextExtractor : IDocumentExtractor
{
    /// <inheritdoc/>
    public IReadOnlyCollection<string> MediaTypes { get; } = [KnownMediaTypes.PlainText, KnownMediaTypes.Csv];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> FileExtensions { get; } = [".txt", ".text", ".log", ".csv"];

    /// <inheritdoc/>
    public async Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();

        var text = await StrictTextDecoder.ReadToEndAsync(content, context.Length, context.MaxTextBytes, trimStart: true, cancellationToken).ConfigureAwait(false);
        return ExtractedDocuments.Create(text);
    }
}
