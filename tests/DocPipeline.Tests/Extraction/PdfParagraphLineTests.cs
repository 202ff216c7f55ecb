using DocPipeline.Extraction;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using PageSize = UglyToad.PdfPig.Content.PageSize;

namespace DocPipeline.Tests.Extraction;

/// <summary>
/// Which PDF lines the extractor joins: a paragraph's wrapped lines become one line of text, while code (fixed-pitch
/// font), list items, indented lines, table rows and headings keep their own lines. Real PDFs written with PdfPig.
/// </summary>
public sealed class PdfParagraphLineTests
{
    private const double Left = 56;
    private const double Top = 780;

    [Fact]
    public async Task ExtractAsync_ParagraphWrappedOverManyLines_OneLineOfText()
    {
        var paragraph = string.Join(' ', Enumerable.Range(1, 120).Select(static i => $"word{i}"));

        var text = await ExtractAsync(TestDocuments.Pdf([[paragraph]]));

        Assert.Equal(paragraph, text);
    }

    [Fact]
    public async Task ExtractAsync_CodeInAFixedPitchFont_KeepsItsLines()
    {
        string[] code =
        [
            "var value12 = Compute(value, 481); // the first line of a long enough code block here",
            "var limit7 = Compute(limit, 52); // the second line of a long enough code block here",
            "var token3 = Compute(token, 977); // the third line of a long enough code block here",
        ];

        var text = await ExtractAsync(Pdf(code.Select(static line => (line, Standard14Font.Courier, 0.0)).ToList()));

        Assert.Equal(string.Join('\n', code), text);
    }

    [Fact]
    public async Task ExtractAsync_ListItemsAndIndentedLines_KeepTheirLines()
    {
        var full = "A line of running text long enough to reach the right edge of this block of text";
        (string, Standard14Font, double)[] lines =
        [
            (full + " here.", Standard14Font.Helvetica, 0),
            ("- an item that starts with a list marker, after a full line of running text in here", Standard14Font.Helvetica, 0),
            ("- another item that starts with a list marker and is about as long as the other one", Standard14Font.Helvetica, 0),
            (full + " too.", Standard14Font.Helvetica, 0),
            ("An indented line that starts a new paragraph after a full line of text.", Standard14Font.Helvetica, 20),
            ("A bold line of the same size: a change of font, so a new line of the text.", Standard14Font.HelveticaBold, 0),
        ];

        var text = await ExtractAsync(Pdf(lines));

        Assert.Equal(string.Join('\n', lines.Select(static l => l.Item1)), text);
    }

    [Fact]
    public async Task ExtractAsync_ListItemWrappedUnderItsText_OneLinePerItem()
    {
        var item = "- " + string.Join(' ', Enumerable.Range(10, 40).Select(static i => $"item{i}"));
        var wrapped = new List<(string, Standard14Font, double)>();
        var words = item.Split(' ');
        wrapped.Add((string.Join(' ', words.Take(14)), Standard14Font.Helvetica, 0));
        wrapped.Add((string.Join(' ', words.Skip(14).Take(14)), Standard14Font.Helvetica, 0));
        wrapped.Add((string.Join(' ', words.Skip(28)), Standard14Font.Helvetica, 0));

        // The continuation lines start under the item's text, not under its marker (a hanging indent).
        var pdf = Pdf(wrapped, hangingIndent: true);

        Assert.Equal(item, await ExtractAsync(pdf));
    }

    private static async Task<string> ExtractAsync(byte[] pdf)
    {
        var context = new ExtractionContext { Source = "test.pdf", FileName = "test.pdf", MediaType = KnownMediaTypes.Pdf, Length = pdf.Length };
        var document = await new PdfExtractor().ExtractAsync(new MemoryStream(pdf), context);
        return Assert.Single(document.Sections).Text;
    }

    /// <summary>One line per entry at 12 points of 10-point text, each at its own indent, in its own font.</summary>
    private static byte[] Pdf(IReadOnlyList<(string Text, Standard14Font Font, double Indent)> lines, bool hangingIndent = false)
    {
        var builder = new PdfDocumentBuilder();
        var fonts = lines.Select(static l => l.Font).Distinct().ToDictionary(static f => f, f => builder.AddStandard14Font(f));
        var page = builder.AddPage(PageSize.A4);
        var y = Top;
        var marker = 0.0;
        foreach (var (text, font, indent) in lines)
        {
            var x = Left + indent + (hangingIndent && marker > 0 ? marker : 0);
            page.AddText(text, 10, new PdfPoint(x, y), fonts[font]);
            if (hangingIndent && marker == 0)
            {
                // The width of "- " in the line's font: the text of the item starts there.
                marker = page.MeasureText("- ", 10, PdfPoint.Origin, fonts[font]).Max(static letter => letter.EndBaseLine.X);
            }

            y -= 12;
        }

        return builder.Build();
    }
}
