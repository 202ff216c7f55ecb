using AngleSharp;
using AngleSharp.Css;
using AngleSharp.Dom;

namespace DocPipeline.Extraction;

/// <summary>
/// Reads HTML (<c>.html</c>, <c>.htm</c>) with AngleSharp: the text a reader sees, judged with the page's own
/// <c>&lt;style&gt;</c> sheets and inline styles (nothing is fetched: linked style sheets are not loaded), block
/// elements separated by blank lines; <c>title</c> from <c>&lt;title&gt;</c> and <c>author</c> from
/// <c>&lt;meta name="author"&gt;</c>. The encoding comes from a byte order mark or <c>&lt;meta charset&gt;</c>, as a
/// browser decides it.
/// </summary>
internal sealed class HtmlExtractor : IDocumentExtractor
{
    private static readonly IConfiguration Configuration = AngleSharp.Configuration.Default.WithCss();
    private static readonly DefaultRenderDevice Device = new();

    /// <inheritdoc/>
    public IReadOnlyCollection<string> MediaTypes { get; } = [KnownMediaTypes.Html];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> FileExtensions { get; } = [".html", ".htm"];

    /// <inheritdoc/>
    public async Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();

        using var buffer = new MemoryStream((int)Math.Clamp(context.Length ?? 0, 0, SeekableContent.MemoryLimit));
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return ExtractedDocuments.Empty;
        }

        var start = buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, StrictTextDecoder.BlockSize));
        if (start is not ([0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0x00, 0x00, 0xFE, 0xFF, ..]))
        {
            StrictTextDecoder.RejectBinary<byte>(start);
        }

        buffer.Position = 0;
        using var browsing = BrowsingContext.New(Configuration);
        try
        {
            using var document = await browsing.OpenAsync(response => response.Content(buffer), cancellationToken).ConfigureAwait(false);
            var writer = new TextBlockWriter((int)Math.Min(buffer.Length, int.MaxValue));
            var styles = document.DefaultView?.GetStyleCollection(Device);
            new HtmlTextWalker(writer, styles).Write((INode?)document.Body ?? document, cancellationToken);

            var metadata = ExtractedDocuments.Metadata(
                (DocumentMetadataKeys.Title, document.Title),
                (DocumentMetadataKeys.Author, MetaContent(document, "author")));
            return ExtractedDocuments.Create(writer.ToString(), metadata);
        }
        catch (Exception ex) when (ContentFault.IsContentFault(ex))
        {
            // AngleSharp reads any markup the way a browser does; this is for what it still cannot take.
            throw ContentFault.Invalid("HTML that DocPipeline can read", ex);
        }
    }

    private static string? MetaContent(IDocument document, string name)
    {
        foreach (var meta in document.GetElementsByTagName("meta"))
        {
            if (string.Equals(meta.GetAttribute("name"), name, StringComparison.OrdinalIgnoreCase))
            {
                return meta.GetAttribute("content");
            }
        }

        return null;
    }
}
