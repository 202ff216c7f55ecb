using System.Globalization;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Exceptions;

namespace DocPipeline.Extraction;

/// <summary>
/// Reads PDF with PdfPig: one section per page (1-based page numbers), text blocks in the order the page draws them,
/// separated by blank lines, the wrapped lines of a paragraph joined into one line (see <c>PdfExtractor.Lines.cs</c>);
/// <c>title</c> and <c>author</c> from the document information. A PDF that needs a password is refused as
/// encrypted; one encrypted with an owner password only is read.
/// </summary>
internal sealed partial class PdfExtractor : IDocumentExtractor
{

    /// <inheritdoc/>
    public IReadOnlyCollection<string> MediaTypes { get; } = [KnownMediaTypes.Pdf];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> FileExtensions { get; } = [".pdf"];

    /// <inheritdoc/>
    public Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default) =>
        SeekableContent.ReadAsync(content, context, static (stream, token) => Task.FromResult(Read(stream, token)), cancellationToken);

    private static ExtractedDocument Read(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return Extract(stream, cancellationToken);
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new DocumentExtractionException("This PDF is encrypted (password-protected); DocPipeline cannot read it.", ex);
        }
        catch (Exception ex) when (ContentFault.IsContentFault(ex))
        {
            throw ContentFault.Invalid("a valid PDF", ex);
        }
    }

    private static ExtractedDocument Extract(Stream stream, CancellationToken cancellationToken)
    {
        using var document = PdfDocument.Open(stream, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        var sections = new List<ExtractedSection>(document.NumberOfPages);
        for (var number = 1; number <= document.NumberOfPages; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sections.Add(new ExtractedSection(ReadPage(document, number), number));
        }

        var information = document.Information;
        return new ExtractedDocument
        {
            Sections = sections,
            Metadata = ExtractedDocuments.Metadata(
                (DocumentMetadataKeys.Title, information.Title),
                (DocumentMetadataKeys.Author, information.Author)),
        };
    }

    private static string ReadPage(PdfDocument document, int number)
    {
        try
        {
            return WriteBlocks(document.GetPage(number));
        }
        catch (Exception ex) when (ex is not PdfDocumentEncryptedException && ContentFault.IsContentFault(ex))
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"page {number} of {document.NumberOfPages} cannot be read: {ex.Message.Trim().TrimEnd('.')}");
            throw new DocumentExtractionException($"This file is not a valid PDF ({detail}).", ex);
        }
    }
}
