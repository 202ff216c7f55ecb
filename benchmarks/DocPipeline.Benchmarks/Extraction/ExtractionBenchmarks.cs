using System.Text;
using BenchmarkDotNet.Attributes;
using DocPipeline.Extraction;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace DocPipeline.Benchmarks.Extraction;

/// <summary>
/// How fast each built-in extractor turns bytes into text. The baseline is a lenient StreamReader over the same
/// 5 MB text, to show what strict UTF-8 validation, binary sniffing and line-ending normalisation cost.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class ExtractionBenchmarks
{
    private const string Sentence = "Foragers return to the hive with nectar, and house bees fan their wings until the honey is thick. ";

    private readonly PlainTextExtractor _text = new();
    private readonly MarkdownExtractor _markdown = new();
    private readonly HtmlExtractor _html = new();
    private readonly PdfExtractor _pdf = new();
    private readonly DocxExtractor _docx = new();

    private byte[] _plainText = [];
    private byte[] _markdownBytes = [];
    private byte[] _htmlBytes = [];
    private byte[] _pdfBytes = [];
    private byte[] _docxBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        var paragraphs = Enumerable.Range(0, 100).Select(static i => $"Paragraph {i}. " + string.Concat(Enumerable.Repeat(Sentence, 2))).ToList();

        // 5 MB: one long paragraph of text, like a large log or a book without line breaks.
        _plainText = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Sentence, 5 * 1024 * 1024 / Sentence.Length)));

        _markdownBytes = Encoding.UTF8.GetBytes(string.Join("\n\n", paragraphs.Select(static (p, i) => i % 10 == 0 ? $"## Section {i}\n\n*{p}*" : $"- {p}")));

        var html = new StringBuilder("<html><head><title>Bench</title><style>.hidden{display:none} nav a{color:red} .x .y p{margin:0}</style></head><body><nav><a href='#'>Home</a></nav>");
        foreach (var p in paragraphs)
        {
            html.Append("<div class='x'><p class='y'>").Append(p).Append(" <b>bold</b> <a href='#'>link</a></p><span class='hidden'>secret</span></div>");
        }

        _htmlBytes = Encoding.UTF8.GetBytes(html.Append("</body></html>").ToString());
        _pdfBytes = BuildPdf(pages: 10, linesPerPage: 45);
        _docxBytes = BuildDocx(paragraphs);
    }

    [Benchmark(Baseline = true, Description = "StreamReader, 5 MB text (lenient)")]
    public Task<string> StreamReaderBaseline()
    {
        using var reader = new StreamReader(new MemoryStream(_plainText), Encoding.UTF8);
        return reader.ReadToEndAsync();
    }

    [Benchmark(Description = "PlainTextExtractor, 5 MB text")]
    public Task<ExtractedDocument> PlainText() => Extract(_text, _plainText, "big.txt");

    [Benchmark(Description = "MarkdownExtractor, 100 paragraphs (~20 KB)")]
    public Task<ExtractedDocument> Markdown() => Extract(_markdown, _markdownBytes, "doc.md");

    [Benchmark(Description = "HtmlExtractor, 100 paragraphs with CSS (~30 KB)")]
    public Task<ExtractedDocument> Html() => Extract(_html, _htmlBytes, "page.html");

    [Benchmark(Description = "PdfExtractor, 10 pages")]
    public Task<ExtractedDocument> Pdf() => Extract(_pdf, _pdfBytes, "doc.pdf");

    [Benchmark(Description = "DocxExtractor, 100 paragraphs")]
    public Task<ExtractedDocument> Docx() => Extract(_docx, _docxBytes, "doc.docx");

    private static Task<ExtractedDocument> Extract(IDocumentExtractor extractor, byte[] content, string fileName) =>
        extractor.ExtractAsync(
            new MemoryStream(content),
            new ExtractionContext { Source = fileName, FileName = fileName, MediaType = extractor.MediaTypes.First(), Length = content.Length });

    private static byte[] BuildPdf(int pages, int linesPerPage)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var p = 0; p < pages; p++)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            for (var line = 0; line < linesPerPage; line++)
            {
                page.AddText(Sentence.Trim(), 10, new PdfPoint(50, 790 - (line * 16) - (line / 5 * 8)), font);
            }
        }

        return builder.Build();
    }

    private static byte[] BuildDocx(IEnumerable<string> paragraphs)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new Document(new Body(paragraphs.Select(static p => new Paragraph(new Run(new Text(p))))));
        }

        return stream.ToArray();
    }
}
