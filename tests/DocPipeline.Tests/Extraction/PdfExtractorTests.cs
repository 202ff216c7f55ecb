using System.Text;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests.Extraction;

namespace DocPipeline.Tests.Extraction;

public sealed class PdfExtractorTests : DocumentExtractorSpecificationTests
{
    protected override IDocumentExtractor CreateExtractor() => new PdfExtractor();

    protected override byte[] CreateDocument(IReadOnlyList<string> paragraphs) => TestDocuments.Pdf([paragraphs]);

    [Fact]
    public async Task ExtractAsync_ThreePages_OneSectionPerPageNumberedFromOne()
    {
        var pdf = TestDocuments.Pdf(
        [
            ["Glaciers form where snow outlasts summer.", "Firn turns slowly into ice."],
            ["Moraines mark where the ice once stood."],
            ["Ice cores keep old air in bubbles."],
        ]);

        var document = await ExtractAsync(pdf);

        Assert.Equal([1, 2, 3], document.Sections.Select(static s => s.Page));
        Assert.Equal("Glaciers form where snow outlasts summer.\n\nFirn turns slowly into ice.", document.Sections[0].Text);
        Assert.Equal("Moraines mark where the ice once stood.", document.Sections[1].Text);
        Assert.Equal("Ice cores keep old air in bubbles.", document.Sections[2].Text);
    }

    [Fact]
    public async Task ExtractAsync_WrappedParagraph_LinesInDrawingOrder()
    {
        var paragraph = string.Join(' ', Enumerable.Range(1, 60).Select(static i => $"word{i}"));

        var document = await ExtractAsync(TestDocuments.Pdf([[paragraph]]));

        var words = Assert.Single(document.Sections).Text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(paragraph.Split(' '), words);
    }

    [Fact]
    public async Task ExtractAsync_DocumentInformation_TitleAndAuthor()
    {
        var pdf = TestDocuments.Pdf([["Text."]], title: "Map projections", author: "G. Mercator");

        var document = await ExtractAsync(pdf);

        Assert.Equal("Map projections", document.Metadata["title"]);
        Assert.Equal("G. Mercator", document.Metadata["author"]);
    }

    [Fact]
    public async Task ExtractAsync_NoDocumentInformation_NoMetadata()
    {
        var document = await ExtractAsync(TestDocuments.Pdf([["Text."]]));

        Assert.Empty(document.Metadata);
    }

    [Fact]
    public async Task ExtractAsync_EncryptedWithUserPassword_SaysEncrypted()
    {
        var content = await File.ReadAllBytesAsync(RepositoryPaths.Fixture("encrypted-user-password.pdf"));

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Equal("This PDF is encrypted (password-protected); DocPipeline cannot read it.", error.Message);
    }

    [Fact]
    public async Task ExtractAsync_EncryptedWithOwnerPasswordOnly_Read()
    {
        var content = await File.ReadAllBytesAsync(RepositoryPaths.Fixture("encrypted-owner-password-only.pdf"));

        var document = await ExtractAsync(content);

        Assert.Equal("This text is locked behind a password.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_TruncatedToHalf_NotAValidPdf()
    {
        var pdf = TestDocuments.Pdf([["Page one."], ["Page two."]]);

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(pdf[..(pdf.Length / 2)]));

        Assert.StartsWith("This file is not a valid PDF (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_TextFileNamedPdf_NotAValidPdf()
    {
        var error = await Assert.ThrowsAsync<DocumentExtractionException>(
            () => ExtractAsync(Encoding.UTF8.GetBytes("Meeting notes, saved with the wrong extension.")));

        Assert.StartsWith("This file is not a valid PDF (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_CorruptPageContent_NotAValidPdfAndNoParserExceptionEscapes()
    {
        var pdf = TestDocuments.Pdf([["Page one is fine."], ["Page two is fine too."]]);
        var corrupt = (byte[])pdf.Clone();
        var random = new Random(42);
        for (var i = 200; i < corrupt.Length - 200; i += 7)
        {
            corrupt[i] = (byte)random.Next(256);
        }

        var exception = await Record.ExceptionAsync(() => ExtractAsync(corrupt));

        Assert.True(exception is null or DocumentExtractionException, exception?.ToString());
    }
}
