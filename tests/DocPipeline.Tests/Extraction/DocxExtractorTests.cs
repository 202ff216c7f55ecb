using System.IO.Compression;
using System.Text;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests.Extraction;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using V = DocumentFormat.OpenXml.Vml;

namespace DocPipeline.Tests.Extraction;

public sealed class DocxExtractorTests : DocumentExtractorSpecificationTests
{
    protected override IDocumentExtractor CreateExtractor() => new DocxExtractor();

    protected override byte[] CreateDocument(IReadOnlyList<string> paragraphs) => TestDocuments.Docx(paragraphs);

    [Fact]
    public async Task ExtractAsync_HeadingsParagraphsAndRuns_BlankLinesBetweenParagraphsRunsJoined()
    {
        OpenXmlElement[] body =
        [
            TestDocuments.Paragraph("Chess openings", "Heading1"),
            new Paragraph(
                new Run(new Text("The first ") { Space = SpaceProcessingModeValues.Preserve }),
                new Run(new RunProperties(new Bold()), new Text("move")),
                new Run(new Text(" matters:") { Space = SpaceProcessingModeValues.Preserve }, new TabChar(), new Text("e4"), new Break(), new Text("or d4."))),
            new Paragraph(),
            TestDocuments.Paragraph("The Sicilian Defence answers with c5."),
        ];

        var text = await ExtractTextAsync(TestDocuments.Docx(body));

        Assert.Equal("Chess openings\n\nThe first move matters:\te4\nor d4.\n\nThe Sicilian Defence answers with c5.", text);
    }

    [Fact]
    public async Task ExtractAsync_Table_RowsOnLinesCellsSeparatedByTabs()
    {
        OpenXmlElement[] body =
        [
            TestDocuments.Paragraph("Before."),
            new Table(
                Row("Opening", "First moves"),
                Row("Ruy Lopez", "e4 e5 Nf3 Nc6 Bb5"),
                new TableRow(Cell("Multi"), new TableCell(TestDocuments.Paragraph("two"), TestDocuments.Paragraph("paragraphs")))),
            TestDocuments.Paragraph("After."),
        ];

        var text = await ExtractTextAsync(TestDocuments.Docx(body));

        Assert.Equal("Before.\n\nOpening\tFirst moves\nRuy Lopez\te4 e5 Nf3 Nc6 Bb5\nMulti\ttwo paragraphs\n\nAfter.", text);
    }

    [Fact]
    public async Task ExtractAsync_CoreProperties_TitleAndAuthor()
    {
        var docx = TestDocuments.Docx([TestDocuments.Paragraph("Body.")], title: "Mushroom foraging", author: "M. Cap");

        var document = await ExtractAsync(docx);

        Assert.Equal("Mushroom foraging", document.Metadata["title"]);
        Assert.Equal("M. Cap", document.Metadata["author"]);
    }

    [Fact]
    public async Task ExtractAsync_NoTitleProperty_TitleStyledParagraphThenFirstHeading()
    {
        var withTitle = TestDocuments.Docx([TestDocuments.Paragraph("Intro", "Heading1"), TestDocuments.Paragraph("The tea ceremony", "Title")]);
        var withHeading = TestDocuments.Docx([TestDocuments.Paragraph("Plain"), TestDocuments.Paragraph("Whisking matcha", "Heading1")]);

        Assert.Equal("The tea ceremony", (await ExtractAsync(withTitle)).Metadata["title"]);
        Assert.Equal("Whisking matcha", (await ExtractAsync(withHeading)).Metadata["title"]);
    }

    [Fact]
    public async Task ExtractAsync_TrackedDeletionsAndFieldCodes_LeftOut()
    {
        var paragraph = new Paragraph(
            new Run(new Text("Kept ") { Space = SpaceProcessingModeValues.Preserve }),
            new DeletedRun(new Run(new DeletedText("DELETED "))),
            new InsertedRun(new Run(new Text("inserted "))),
            new Run(new FieldChar { FieldCharType = FieldCharValues.Begin }),
            new Run(new FieldCode(" PAGE ")),
            new Run(new FieldChar { FieldCharType = FieldCharValues.Separate }),
            new Run(new Text("7")),
            new Run(new FieldChar { FieldCharType = FieldCharValues.End }));

        var text = await ExtractTextAsync(TestDocuments.Docx([paragraph]));

        Assert.Equal("Kept inserted 7", text);
    }

    [Fact]
    public async Task ExtractAsync_TextBoxWithFallback_ReadOnceAfterItsParagraph()
    {
        static Picture TextBox() => new(new V.Shape(new V.TextBox(new TextBoxContent(TestDocuments.Paragraph("Boxed note.")))));
        var paragraph = new Paragraph(
            new Run(new Text("Anchor paragraph.")),
            new Run(new AlternateContent(
                new AlternateContentChoice(TextBox()) { Requires = "v" },
                new AlternateContentFallback(TextBox()))));

        var text = await ExtractTextAsync(TestDocuments.Docx([paragraph, TestDocuments.Paragraph("Next.")]));

        Assert.Equal("Anchor paragraph.\n\nBoxed note.\n\nNext.", text);
    }

    [Fact]
    public async Task ExtractAsync_FootnotesAndEndnotes_AfterTheBodyWithoutSeparators()
    {
        var body = new Paragraph(
            new Run(new Text("Matcha is whisked.")),
            new Run(new FootnoteReference { Id = 1 }));

        var docx = TestDocuments.Docx([body, TestDocuments.Paragraph("Last body paragraph.")], title: null, author: null, configure: main =>
        {
            main.AddNewPart<FootnotesPart>().Footnotes = new Footnotes(
                new Footnote(TestDocuments.Paragraph("SEPARATOR"), new Paragraph(new Run(new SeparatorMark()))) { Type = FootnoteEndnoteValues.Separator, Id = -1 },
                new Footnote(TestDocuments.Paragraph("CONTINUATION")) { Type = FootnoteEndnoteValues.ContinuationSeparator, Id = 0 },
                new Footnote(TestDocuments.Paragraph("With a bamboo whisk.")) { Id = 1 });
            main.AddNewPart<EndnotesPart>().Endnotes = new Endnotes(
                new Endnote(TestDocuments.Paragraph("Source: a tea master.")) { Id = 1 });
        });

        var text = await ExtractTextAsync(docx);

        Assert.Equal("Matcha is whisked.\n\nLast body paragraph.\n\nWith a bamboo whisk.\n\nSource: a tea master.", text);
    }

    [Fact]
    public async Task ExtractAsync_TextFileNamedDocx_NotAZipPackage()
    {
        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(Encoding.UTF8.GetBytes("not a document")));

        Assert.Equal("This file is not a valid Word document (.docx): it is not a ZIP package.", error.Message);
    }

    [Fact]
    public async Task ExtractAsync_ZipThatIsNotADocx_NotAWordDocument()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = new StreamWriter(archive.CreateEntry("notes.txt").Open());
            await entry.WriteAsync("just a zip");
        }

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(zip.ToArray()));

        Assert.StartsWith("This file is not a", error.Message, StringComparison.Ordinal);
        Assert.Contains("Word document (.docx)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_Truncated_NotAValidWordDocument()
    {
        var docx = TestDocuments.Docx(["Some text that will be cut off."]);

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(docx[..(docx.Length / 2)]));

        Assert.StartsWith("This file is not a valid Word document (.docx) (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_BrokenDocumentXml_NotAValidWordDocument()
    {
        using var stream = new MemoryStream();
        stream.Write(TestDocuments.Docx(["Fine."]));
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry("word/document.xml")!.Delete();
            await using var writer = new StreamWriter(archive.CreateEntry("word/document.xml").Open());
            await writer.WriteAsync("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p>");
        }

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(stream.ToArray()));

        Assert.StartsWith("This file is not a valid Word document (.docx) (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_CompoundFile_SaysEncryptedOrOldWordFormat()
    {
        byte[] header = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504]];

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(header));

        Assert.Contains("encrypted (password-protected)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Word 97-2003", error.Message, StringComparison.Ordinal);
    }

    private static TableRow Row(params string[] cells) => new(cells.Select(Cell));

    private static TableCell Cell(string text) => new(TestDocuments.Paragraph(text));

    private async Task<string> ExtractTextAsync(byte[] docx) => Assert.Single((await ExtractAsync(docx)).Sections).Text;
}
