using System.Net;
using System.Text;
using CsCheck;
using DocPipeline.Tests.Extraction;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace DocPipeline.Tests.Chunking;

/// <summary>What a block of a <see cref="GeneratedDocument"/> is.</summary>
internal enum GeneratedBlockKind
{
    /// <summary>One paragraph; each line is a sentence.</summary>
    Paragraph,

    /// <summary>A bullet list; each line is an item.</summary>
    List,

    /// <summary>A code block; each line is a line of code.</summary>
    Code,

    /// <summary>A table; each line is a row, its cells separated by tabs.</summary>
    Table,
}

/// <summary>A block under its own heading (its title, not its number: inserting a block renumbers nothing), as lines that edits act on.</summary>
internal sealed record GeneratedBlock(GeneratedBlockKind Kind, string Title, IReadOnlyList<string> Lines);

/// <summary>A local edit of a <see cref="GeneratedDocument"/>: a line inserted, deleted or changed, or a paragraph added or removed.</summary>
internal sealed record GeneratedEdit(int Kind, int Block, int Line, int Seed)
{
    public override string ToString() => Kind switch
    {
        0 => "insert a line",
        1 => "delete a line",
        2 => "change a line",
        3 => "insert a paragraph",
        _ => "delete a block",
    } + $" at block {Block}, line {Line} (seed {Seed})";
}

/// <summary>
/// A generated document of long paragraphs, lists, code and tables, each block under a heading, written as Markdown,
/// HTML, plain text, DOCX or PDF. Its text comes from a seeded <see cref="Random"/>, its shape from CsCheck, so a
/// failing case shrinks to fewer and shorter blocks.
/// </summary>
internal sealed record GeneratedDocument(IReadOnlyList<GeneratedBlock> Blocks)
{
    private static readonly string[] Identifiers = ["value", "name", "count", "index", "buffer", "result", "offset", "limit", "chunk", "token"];

    /// <summary>Documents of 2 to 8 blocks; lists, code and tables of up to 160 lines, paragraphs of up to 40 sentences.</summary>
    public static Gen<GeneratedDocument> Gen(int maxBlocks, int maxLines) =>
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 3], CsCheck.Gen.Int[1, maxLines], CsCheck.Gen.Int)
            .Select(static (kind, lines, seed) => Block((GeneratedBlockKind)kind, lines, seed))
            .List[2, maxBlocks]
            .Select(static blocks => new GeneratedDocument(blocks));

    /// <summary>A document with one local edit.</summary>
    public static Gen<(GeneratedDocument Document, GeneratedEdit Edit)> WithEdit(int maxBlocks, int maxLines) =>
        CsCheck.Gen.Select(Gen(maxBlocks, maxLines), CsCheck.Gen.Int[0, 4], CsCheck.Gen.Int[0, 1000], CsCheck.Gen.Int[0, 1000], CsCheck.Gen.Int)
            .Select(static (document, kind, block, line, seed) => (document, new GeneratedEdit(kind, block % document.Blocks.Count, line, seed)));

    /// <summary>Returns the document with the edit applied.</summary>
    public GeneratedDocument Apply(GeneratedEdit edit)
    {
        var blocks = Blocks.ToList();
        var block = blocks[edit.Block];
        var lines = block.Lines.ToList();
        var line = edit.Line % lines.Count;
        var random = new Random(edit.Seed);
        switch (edit.Kind)
        {
            case 0:
                lines.Insert(line, Line(block.Kind, random));
                break;
            case 1 when lines.Count > 1:
                lines.RemoveAt(line);
                break;
            case 1:
            case 2:
                var words = lines[line].Split(' ');
                words[random.Next(words.Length)] = block.Kind == GeneratedBlockKind.Table ? "changed\tcell" : "changed";
                lines[line] = string.Join(' ', words);
                break;
            case 3:
                blocks.Insert(edit.Block, Block(GeneratedBlockKind.Paragraph, random.Next(1, 6), edit.Seed));
                return new GeneratedDocument(blocks);
            default:
                if (blocks.Count > 1)
                {
                    blocks.RemoveAt(edit.Block);
                }

                return new GeneratedDocument(blocks);
        }

        blocks[edit.Block] = block with { Lines = lines };
        return new GeneratedDocument(blocks);
    }

    /// <summary>Writes the document as Markdown.</summary>
    public string ToMarkdown()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < Blocks.Count; i++)
        {
            builder.Append("## ").Append(Blocks[i].Title).Append("\n\n");
            var block = Blocks[i];
            switch (block.Kind)
            {
                case GeneratedBlockKind.Paragraph:
                    builder.AppendJoin(' ', block.Lines).Append('\n');
                    break;
                case GeneratedBlockKind.List:
                    foreach (var line in block.Lines)
                    {
                        builder.Append("- ").Append(line).Append('\n');
                    }

                    break;
                case GeneratedBlockKind.Code:
                    builder.Append("```\n").AppendJoin('\n', block.Lines).Append("\n```\n");
                    break;
                default:
                    var columns = block.Lines[0].Split('\t').Length;
                    builder.Append('|').Append(string.Concat(Enumerable.Range(1, columns).Select(static c => CultureFree($" c{c} |")))).Append('\n');
                    builder.Append('|').Append(string.Concat(Enumerable.Repeat("---|", columns))).Append('\n');
                    foreach (var row in block.Lines)
                    {
                        builder.Append("| ").AppendJoin(" | ", row.Split('\t')).Append(" |\n");
                    }

                    break;
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Writes the document as HTML.</summary>
    public string ToHtml()
    {
        var builder = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Generated</title></head><body>\n");
        for (var i = 0; i < Blocks.Count; i++)
        {
            builder.Append("<h2>").Append(Blocks[i].Title).Append("</h2>\n");
            var block = Blocks[i];
            var (open, close, itemOpen, itemClose) = block.Kind switch
            {
                GeneratedBlockKind.Paragraph => ("<p>", "</p>", string.Empty, "\n"),
                GeneratedBlockKind.List => ("<ul>", "</ul>", "<li>", "</li>\n"),
                GeneratedBlockKind.Code => ("<pre>", "</pre>", string.Empty, "\n"),
                _ => ("<table>", "</table>", "<tr><td>", "</td></tr>\n"),
            };
            builder.Append(open);
            foreach (var line in block.Lines)
            {
                builder.Append(itemOpen).Append(string.Join("</td><td>", line.Split('\t').Select(WebUtility.HtmlEncode))).Append(itemClose);
            }

            builder.Append(close).Append('\n');
        }

        return builder.Append("</body></html>\n").ToString();
    }

    /// <summary>Writes the document as plain text: lists as dashed lines, tables as tab-separated lines.</summary>
    public string ToPlainText()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < Blocks.Count; i++)
        {
            builder.Append(Blocks[i].Title).Append("\n\n");
            var block = Blocks[i];
            var separator = block.Kind == GeneratedBlockKind.Paragraph ? " " : "\n";
            var prefix = block.Kind == GeneratedBlockKind.List ? "- " : string.Empty;
            builder.AppendJoin(separator, block.Lines.Select(line => prefix + line)).Append("\n\n");
        }

        return builder.ToString();
    }

    /// <summary>Writes the document as DOCX: a paragraph per sentence run, list item and code line, a table per table.</summary>
    public byte[] ToDocx() => TestDocuments.Docx(Blocks.SelectMany(DocxBlock));

    /// <summary>
    /// Writes the document as a PDF in which every block starts a new page and flows on over as many pages as it needs
    /// (an edit moves the page breaks of its own block only; see the remarks of the PDF property test).
    /// </summary>
    public byte[] ToPdf() => TestDocuments.Pdf(
        Blocks.Select(static block => (IReadOnlyList<TextBlock>)PdfBlock(block).Select(static b => b with { Text = Ascii(b.Text) }).ToList()).ToList(),
        title: null,
        author: null);

    private static IEnumerable<OpenXmlElement> DocxBlock(GeneratedBlock block)
    {
        yield return TestDocuments.Paragraph(block.Title, "Heading1");
        switch (block.Kind)
        {
            case GeneratedBlockKind.Paragraph:
                yield return TestDocuments.Paragraph(string.Join(' ', block.Lines));
                break;
            case GeneratedBlockKind.Table:
                yield return new Table(block.Lines.Select(static row =>
                    new TableRow(row.Split('\t').Select(static cell => new TableCell(TestDocuments.Paragraph(cell))))));
                break;
            default:
                foreach (var line in block.Lines)
                {
                    yield return TestDocuments.Paragraph(block.Kind == GeneratedBlockKind.List ? "• " + line : line);
                }

                break;
        }
    }

    private static IEnumerable<TextBlock> PdfBlock(GeneratedBlock block)
    {
        yield return new TextBlock(block.Title, IsHeading: true);
        if (block.Kind == GeneratedBlockKind.Paragraph)
        {
            yield return new TextBlock(string.Join(' ', block.Lines), IsHeading: false);
            yield break;
        }

        foreach (var line in block.Lines)
        {
            yield return new TextBlock(block.Kind == GeneratedBlockKind.List ? "- " + line : line.Replace('\t', ' '), IsHeading: false);
        }
    }

    private static GeneratedBlock Block(GeneratedBlockKind kind, int lines, int seed)
    {
        var random = new Random(seed);
        var count = kind == GeneratedBlockKind.Paragraph ? Math.Max(1, lines / 4) : lines;
        return new GeneratedBlock(kind, Words(random, random.Next(2, 6)), Enumerable.Range(0, count).Select(_ => Line(kind, random)).ToList());
    }

    private static string Line(GeneratedBlockKind kind, Random random) => kind switch
    {
        GeneratedBlockKind.Paragraph => Sentence(random),
        GeneratedBlockKind.List => random.Next(4) == 0 ? Sentence(random) + " " + Sentence(random) : Sentence(random),
        GeneratedBlockKind.Code => CodeLine(random),
        _ => string.Join('\t', Enumerable.Range(0, 3).Select(_ => Words(random, random.Next(1, 5)))),
    };

    private static string Sentence(Random random)
    {
        var sentence = ChunkingTestTexts.Sentence(random);

        // Keep sentences of ordinary length: the rare 300-word sentence of the shared texts tests word units elsewhere.
        var words = sentence.Split(' ');
        return words.Length > 40 ? string.Join(' ', words.Take(30)) + "." : sentence;
    }

    private static string Words(Random random, int count)
    {
        var sentence = Sentence(random).TrimEnd('.', '?');
        return string.Join(' ', sentence.Split(' ').Take(count));
    }

    private static string CodeLine(Random random)
    {
        var indent = new string(' ', 4 * random.Next(0, 4));
        var name = Identifiers[random.Next(Identifiers.Length)];
        return random.Next(6) switch
        {
            0 => indent + "}",
            1 => CultureFree($"{indent}if ({name} > {random.Next(1000)}) {{"),
            2 => CultureFree($"{indent}return {name} + {random.Next(100)};"),
            _ => CultureFree($"{indent}var {name}{random.Next(50)} = Compute({name}, {random.Next(1000)}); // {Words(random, random.Next(1, 6))}"),
        };
    }

    /// <summary>The text in the characters of the PDF's standard fonts: accents dropped, <c>ß</c> as <c>ss</c>.</summary>
    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Replace("ß", "ss", StringComparison.Ordinal).Normalize(NormalizationForm.FormD))
        {
            if (c < 128)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string CultureFree(FormattableString text) => FormattableString.Invariant(text);
}
