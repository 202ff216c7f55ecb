namespace DocPipeline.Extraction;

/// <summary>Turns the bytes of one media type into text and metadata.</summary>
/// <remarks>
/// Throw <see cref="DocumentExtractionException"/> with a message a user understands when the content cannot be
/// read (corrupt, encrypted, not text); the document's job then fails without retries and the batch goes on.
/// </remarks>
public interface IDocumentExtractor
{
    /// <summary>Gets the media types this extractor reads (for example <c>text/markdown</c>).</summary>
    IReadOnlyCollection<string> MediaTypes { get; }

    /// <summary>Gets the file extensions this extractor reads, with the dot (for example <c>.md</c>), used to pick a media type.</summary>
    IReadOnlyCollection<string> FileExtensions { get; }

    /// <summary>Reads text and metadata from <paramref name="content"/>.</summary>
    /// <param name="content">The content, readable once from the start. It may not be seekable.</param>
    /// <param name="context">What is known about the content.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The extracted document.</returns>
    Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default);
}
