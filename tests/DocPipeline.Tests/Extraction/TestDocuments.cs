using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PageSize = UglyToad.PdfPig.Content.PageSize;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace DocPipeline.Tests.Extraction;

/// <summary>Writes real PDF and DOCX files for tests and for the sample corpus.</summary>
internal static class TestDocuments
{
    private const double Margin = 56;
    private const double BodySize = 11;
    private const double HeadingSize = 15;
    private const int CharactersPerLine = 88;

    /// <summary>Writes a PDF whose pages hold the given paragraphs (each page starts a new page; long pages flow on).</summary>
    public static byte[] Pdf(IReadOnlyList<IReadOnlyList<string>> pages, string? title = null, string? author = null) =>
        Pdf(pages.Select(static page => page.Select(static p => new TextBlock(p, IsHeading: false)).ToList()).ToList(), title, author);

    /// <summary>Writes a PDF of headings and paragraphs; each list starts a new page, and text that does not fit flows on.</summary>
    public static byte[] Pdf(IReadOnlyList<IReadOnlyList<TextBlock>> pages, string? title, string? author)
    {
        var builder = new PdfDocumentBuilder();
        if (title is not null)
        {
            builder.DocumentInformation.Title = title;
        }

        if (author is not null)
        {
            builder.DocumentInformation.Author = author;
        }

        var body = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        foreach (var blocks in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            var top = page.PageSize.Height - Margin;
            var y = top;
            foreach (var block in blocks)
            {
                var size = block.IsHeading ? HeadingSize : BodySize;
                foreach (var line in Wrap(block.Text, block.IsHeading ? CharactersPerLine * 3 / 4 : CharactersPerLine))
                {
                    if (y < Margin)
                    {
                        page = builder.AddPage(PageSize.A4);
                        y = top;
                    }

                    page.AddText(line, size, new PdfPoint(Margin, y), block.IsHeading ? bold : body);
                    y -= size * 1.3;
                }

                y -= size * 1.2;
            }
        }

        return builder.Build();
    }

    /// <summary>Writes a DOCX whose body is the given elements, with optional core properties.</summary>
    public static byte[] Docx(IEnumerable<OpenXmlElement> bodyElements, string? title = null, string? author = null) =>
        Docx(bodyElements, title, author, configure: null);

    /// <summary>Writes a DOCX whose body is the given elements, then lets the test add parts (footnotes, …).</summary>
    public static byte[] Docx(IEnumerable<OpenXmlElement> bodyElements, string? title, string? author, Action<MainDocumentPart>? configure)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(bodyElements));
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                new Style(new StyleName { Val = "Title" }) { Type = StyleValues.Paragraph, StyleId = "Title" },
                new Style(new StyleName { Val = "heading 1" }) { Type = StyleValues.Paragraph, StyleId = "Heading1" },
                new Style(new StyleName { Val = "heading 2" }) { Type = StyleValues.Paragraph, StyleId = "Heading2" });
            configure?.Invoke(main);
            if (title is not null)
            {
                document.PackageProperties.Title = title;
            }

            if (author is not null)
            {
                document.PackageProperties.Creator = author;
            }
        }

        return stream.ToArray();
    }

    /// <summary>Writes a DOCX of plain paragraphs.</summary>
    public static byte[] Docx(IEnumerable<string> paragraphs) => Docx(paragraphs.Select(static p => Paragraph(p)));

    /// <summary>Creates a paragraph of one run, with an optional paragraph style id (for example <c>Heading1</c>).</summary>
    public static Paragraph Paragraph(string text, string? styleId = null)
    {
        var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (styleId is not null)
        {
            paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = styleId }));
        }

        return paragraph;
    }

    /// <summary>Splits text into lines of at most <paramref name="width"/> characters at spaces.</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
