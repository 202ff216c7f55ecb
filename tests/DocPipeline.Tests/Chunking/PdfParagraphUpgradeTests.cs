using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace DocPipeline.Tests.Chunking;

/// <summary>
/// A data folder whose PDFs were indexed when the PDF extractor wrote one line per PDF line (before it joined a
/// paragraph's wrapped lines): an unchanged PDF keeps its chunks, and its next change re-chunks it once, through the
/// real pipeline (SQLite registry, Lucene, embedded vector index).
/// </summary>
public sealed class PdfParagraphUpgradeTests : IDisposable
{
    private static readonly TokenAwareChunker Chunker = new(BertUncasedTokenizer.Create(), new ChunkingOptions());

    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestAsync_PdfIndexedOneLinePerPdfLine_SkipsUnchangedAndRechunksOnTheNextChangeOnly()
    {
        var document = new GeneratedDocument(
        [
            Paragraph("Alpha", 30, seed: 1),
            Paragraph("Beta", 30, seed: 2),
            Paragraph("Gamma", 30, seed: 3),
        ]);
        var path = Write(document);
        var lineExtractor = new LinePerLinePdfExtractor();
        await using (var old = new TestPipeline(_directory, b => b.Services.AddSingleton<IDocumentExtractor>(lineExtractor)))
        {
            Assert.Equal(1, (await old.IngestAsync(path)).Added);
        }

        // Today's extractor: the unchanged PDF is skipped by its content fingerprint, nothing extracted or embedded.
        await using var pipeline = new TestPipeline(_directory);
        var unchanged = await pipeline.IngestAsync(path);
        Assert.Equal(1, unchanged.Skipped);
        Assert.Equal(0, unchanged.ChunksEmbedded);

        // Its next change extracts it again with joined paragraphs: every chunk whose text the old lines did not give
        // is embedded once (here nearly all, since the line breaks inside paragraphs are gone).
        var oldTexts = Chunks(lineExtractor, document);
        document = document.Apply(new GeneratedEdit(Kind: 2, Block: 1, Line: 7, Seed: 11));
        Write(document);
        var expected = Chunks(new PdfExtractor(), document).Count(text => !oldTexts.Contains(text));
        var rechunked = await pipeline.IngestAsync(path);
        Assert.Equal(1, rechunked.Updated);
        Assert.Equal(expected, rechunked.ChunksEmbedded);
        Assert.True(expected > 6, $"the extractors differ on only {expected} chunks");

        // From then on an edit inside a paragraph, which makes the rest of it wrap again, re-embeds a few chunks.
        document = document.Apply(new GeneratedEdit(Kind: 0, Block: 0, Line: 3, Seed: 12));
        Write(document);
        var next = await pipeline.IngestAsync(path);
        Assert.Equal(1, next.Updated);
        Assert.InRange(next.ChunksEmbedded, 1, EditLocalityPropertyTests.MaxChangedChunks);
    }

    public void Dispose() => _directory.Dispose();

    private static GeneratedBlock Paragraph(string title, int sentences, int seed)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(0, sentences).Select(_ => ChunkingTestTexts.Sentence(random)).Select(static s => string.Join(' ', s.Split(' ').Take(30))).ToList();
        return new GeneratedBlock(GeneratedBlockKind.Paragraph, title, lines);
    }

    private static HashSet<string> Chunks(IDocumentExtractor extractor, GeneratedDocument document) =>
        Chunker.Chunk(EditLocalityPropertyTests.Extract(extractor, KnownMediaTypes.Pdf, document.ToPdf()))
            .Select(static chunk => chunk.Text)
            .ToHashSet(StringComparer.Ordinal);

    private string Write(GeneratedDocument document)
    {
        var path = _directory.File("docs/report.pdf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, document.ToPdf());
        return path;
    }

    /// <summary>The PDF extraction before paragraphs were joined: PdfPig's content-order text, one line per PDF line.</summary>
    private sealed class LinePerLinePdfExtractor : IDocumentExtractor
    {
        private static readonly ContentOrderTextExtractor.Options TextOptions = new() { SeparateParagraphsWithDoubleNewline = true, ReplaceWhitespaceWithSpace = true };

        public IReadOnlyCollection<string> MediaTypes { get; } = [KnownMediaTypes.Pdf];

        public IReadOnlyCollection<string> FileExtensions { get; } = [".pdf"];

        public async Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default)
        {
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            using var pdf = PdfDocument.Open(buffer.ToArray());
            var sections = pdf.GetPages()
                .Select(static page => new ExtractedSection(
                    string.Join("\n\n", ContentOrderTextExtractor.GetText(page, TextOptions).ReplaceLineEndings("\n").Split("\n\n").Select(static p => p.Trim())),
                    page.Number))
                .ToList();
            return new ExtractedDocument { Sections = sections };
        }
    }
}
