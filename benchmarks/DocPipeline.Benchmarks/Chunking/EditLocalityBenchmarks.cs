using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace DocPipeline.Benchmarks.Chunking;

/// <summary>
/// Edit locality and throughput of the chunker's end rules on real files: the earlier rule
/// (<see cref="ChunkBoundaryRule.ContentDefined"/>, the baseline) and today's (<see cref="ChunkBoundaryRule.Anchored"/>)
/// in the same run. The setup prints, per file, how many chunks one inserted line re-embeds (chunks whose text is
/// new) over 60 insertions, and the chunk size distribution; the benchmark chunks every file once.
/// </summary>
/// <remarks>
/// Files: <c>DOCPIPELINE_BENCH_FILES</c> (paths separated by <c>;</c>: <c>.md</c>, <c>.html</c>, <c>.txt</c>,
/// <c>.txt.gz</c>, <c>.pdf</c>), else the rustup and Debian documentation found on this machine. A DOCX is written
/// from the first plain-text file (one paragraph per line, blank lines dropped). PDF edits insert a line into one
/// page's extracted text, or a sentence inside one of its paragraphs (one line each, the wrapped lines joined), because
/// a real PDF cannot be edited here; DOCX edits insert a paragraph and extract again.
/// <c>DOCPIPELINE_BENCH_LOCALITY=0</c> skips the edit reports (minutes) to time the chunking alone.
/// </remarks>
[MemoryDiagnoser]
[InProcess]
public class EditLocalityBenchmarks
{
    private const int Edits = 60;

    private static readonly string[] DefaultFiles =
    [
        "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/releases.md",
        "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/cargo/CHANGELOG.html",
        "/usr/share/doc/git/changelog.gz",
        "/usr/share/doc/libtasn1-doc/libtasn1.pdf",
        "/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf",
    ];

    private readonly List<ExtractedDocument> _documents = [];
    private TokenAwareChunker _contentDefined = null!;
    private TokenAwareChunker _anchored = null!;


    [GlobalSetup]
    public void Setup()
    {
        var tokenizer = BertUncasedTokenizer.Create();
        _contentDefined = new TokenAwareChunker(tokenizer, new ChunkingOptions(), ChunkBoundaryRule.ContentDefined);
        _anchored = new TokenAwareChunker(tokenizer, new ChunkingOptions(), ChunkBoundaryRule.Anchored);
        var files = Environment.GetEnvironmentVariable("DOCPIPELINE_BENCH_FILES")?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? DefaultFiles;
        var docxWritten = false;
        foreach (var file in files.Where(File.Exists))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
            {
                var pdf = Extract(new PdfExtractor(), KnownMediaTypes.Pdf, File.ReadAllBytes(file));
                _documents.Add(pdf);
                Report(name, pdf, random => InsertIntoPage(pdf, random));
                Report(name + ", sentence inside a paragraph", pdf, random => InsertIntoParagraph(pdf, random));
                continue;
            }

            var lines = ReadLines(file);
            var (extractor, mediaType) = Format(name);
            var document = Extract(extractor, mediaType, Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            _documents.Add(document);
            Report(name, document, random =>
            {
                var edited = lines.ToList();
                var at = random.Next(lines.Count);
                edited.Insert(at + 1, LineLike(lines[at]));
                return Extract(extractor, mediaType, Encoding.UTF8.GetBytes(string.Join('\n', edited)));
            });

            if (!docxWritten && mediaType == KnownMediaTypes.PlainText)
            {
                docxWritten = true;
                var paragraphs = lines.Where(static line => line.Trim().Length > 0).Take(6000).ToList();
                var docx = Extract(new DocxExtractor(), KnownMediaTypes.Docx, Docx(paragraphs));
                _documents.Add(docx);
                Report(name + " as .docx", docx, random =>
                {
                    var edited = paragraphs.ToList();
                    edited.Insert(random.Next(edited.Count + 1), "An inserted paragraph about edit locality.");
                    return Extract(new DocxExtractor(), KnownMediaTypes.Docx, Docx(edited));
                });
            }
        }
    }

    /// <summary>Chunks every file once by the earlier rule.</summary>
    [Benchmark(Baseline = true)]
    public int ContentDefined() => ChunkAll(_contentDefined);

    /// <summary>Chunks every file once by today's rule.</summary>
    [Benchmark]
    public int Anchored() => ChunkAll(_anchored);

    private int ChunkAll(TokenAwareChunker chunker)
    {
        var chunks = 0;
        foreach (var document in _documents)
        {
            chunks += chunker.Chunk(document).Count;
        }

        return chunks;
    }

    private void Report(string name, ExtractedDocument document, Func<Random, ExtractedDocument> edit)
    {
        if (Environment.GetEnvironmentVariable("DOCPIPELINE_BENCH_LOCALITY") == "0")
        {
            return;
        }

        Report(ChunkBoundaryRule.ContentDefined, _contentDefined, name, document, edit);
        Report(ChunkBoundaryRule.Anchored, _anchored, name, document, edit);
    }

    private static void Report(ChunkBoundaryRule rule, TokenAwareChunker chunker, string name, ExtractedDocument document, Func<Random, ExtractedDocument> edit)
    {
        var before = chunker.Chunk(document);
        var texts = before.Select(static chunk => chunk.Text).ToHashSet(StringComparer.Ordinal);
        var random = new Random(1);
        var changed = new List<int>();
        for (var i = 0; i < Edits; i++)
        {
            changed.Add(chunker.Chunk(edit(random)).Count(chunk => !texts.Contains(chunk.Text)));
        }

        changed.Sort();
        var sizes = before.Select(static chunk => chunk.TokenCount).Order().ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// {rule} {name}: {before.Count} chunks; re-embedded per inserted line over {Edits}: median {changed[Edits / 2]}, max {changed[^1]}, >3 in {changed.Count(static c => c > 3)}; tokens p10 {sizes[sizes.Count / 10]}, median {sizes[sizes.Count / 2]}, p90 {sizes[sizes.Count * 9 / 10]}, max {sizes[^1]}"));
    }

    private static ExtractedDocument InsertIntoPage(ExtractedDocument pdf, Random random)
    {
        var sections = pdf.Sections.ToList();
        var page = random.Next(sections.Count);
        var lines = sections[page].Text.Split('\n').ToList();
        lines.Insert(random.Next(lines.Count + 1), "An inserted line about edit locality.");
        sections[page] = sections[page] with { Text = string.Join('\n', lines) };
        return new ExtractedDocument { Sections = sections };
    }

    /// <summary>
    /// Inserts a sentence after a sentence in the middle of a paragraph of a random page (a paragraph is one line of the
    /// extracted text): what an edit that makes the rest of a PDF paragraph wrap again does to the text.
    /// </summary>
    private static ExtractedDocument InsertIntoParagraph(ExtractedDocument pdf, Random random)
    {
        var sections = pdf.Sections.ToList();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var page = random.Next(sections.Count);
            var lines = sections[page].Text.Split('\n');
            var line = random.Next(lines.Length);
            var end = lines[line].IndexOf(". ", lines[line].Length / 2, StringComparison.Ordinal);
            if (lines[line].Length < 300 || end < 0)
            {
                continue;
            }

            lines[line] = lines[line].Insert(end + 2, "An inserted sentence about edit locality. ");
            sections[page] = sections[page] with { Text = string.Join('\n', lines) };
            break;
        }

        return new ExtractedDocument { Sections = sections };
    }

    /// <summary>A line shaped like <paramref name="line"/>: same indentation, list marker or link definition, so the file's structure holds.</summary>
    private static string LineLike(string line)
    {
        var indent = line[..(line.Length - line.TrimStart().Length)];
        var rest = line.TrimStart();
        if (rest.StartsWith('[') && rest.Contains("]: ", StringComparison.Ordinal))
        {
            return indent + "[inserted-ref]: https://example.com/inserted";
        }

        if (rest.StartsWith("- ", StringComparison.Ordinal) || rest.StartsWith("* ", StringComparison.Ordinal))
        {
            return indent + rest[..2] + "An inserted item about edit locality.";
        }

        return indent + (rest.StartsWith('<') ? "<p>An inserted line about edit locality.</p>" : "An inserted line about edit locality.");
    }

    private static List<string> ReadLines(string file)
    {
        using var stream = File.OpenRead(file);
        using var reader = new StreamReader(file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream);
        var lines = new List<string>();
        for (var (line, length) = (reader.ReadLine(), 0); line is not null && length < 800_000; line = reader.ReadLine())
        {
            lines.Add(line);
            length += line.Length + 1;
        }

        return lines;
    }

    private static (IDocumentExtractor Extractor, string MediaType) Format(string name) => Path.GetExtension(name.Replace(".gz", string.Empty, StringComparison.Ordinal)) switch
    {
        ".md" => (new MarkdownExtractor(), KnownMediaTypes.Markdown),
        ".html" => (new HtmlExtractor(), KnownMediaTypes.Html),
        _ => (new PlainTextExtractor(), KnownMediaTypes.PlainText),
    };

    private static ExtractedDocument Extract(IDocumentExtractor extractor, string mediaType, byte[] bytes)
    {
        var context = new ExtractionContext { Source = "bench", FileName = "bench", MediaType = mediaType, Length = bytes.Length };
        return extractor.ExtractAsync(new MemoryStream(bytes), context).GetAwaiter().GetResult();
    }

    private static byte[] Docx(IEnumerable<string> paragraphs)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new Document(new Body(
                paragraphs.Select(static text => new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve })))));
        }

        return stream.ToArray();
    }
}
