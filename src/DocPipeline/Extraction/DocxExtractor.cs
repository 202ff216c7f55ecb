using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace DocPipeline.Extraction;

/// <summary>
/// Reads Word documents (<c>.docx</c>) with the Open XML SDK: body paragraphs and headings separated by blank lines,
/// tables one row per line with cells separated by tabs, text boxes after their paragraph, footnotes and endnotes at
/// the end; deleted (tracked) text, field codes, headers, footers and comments are left out. <c>title</c> and <c>author</c> come from the core properties (the title falls back to
/// the first paragraph styled Title or Heading 1).
/// </summary>
internal sealed class DocxExtractor : IDocumentExtractor
{
    /// <summary>Elements nested deeper than this are refused (a guard against pathological input).</summary>
    internal const int MaxDepth = 256;

    /// <summary>The most characters one XML part may hold: a guard against decompression bombs.</summary>
    private const long MaxCharactersInPart = 512L * 1024 * 1024;

    private static readonly byte[] CompoundFileSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> MediaTypes { get; } = [KnownMediaTypes.Docx];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> FileExtensions { get; } = [".docx"];

    /// <inheritdoc/>
    public Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default) =>
        SeekableContent.ReadAsync(content, context, (stream, token) => ReadAsync(stream, context?.MaxDecompressedBytes, token), cancellationToken);

    private static async Task<ExtractedDocument> ReadAsync(Stream stream, long? maxDecompressedBytes, CancellationToken cancellationToken)
    {
        await CheckSignatureAsync(stream, cancellationToken).ConfigureAwait(false);
        try
        {
            if (maxDecompressedBytes is { } limit)
            {
                await CheckDecompressedSizeAsync(stream, limit, cancellationToken).ConfigureAwait(false);
            }

            return Extract(stream, maxDecompressedBytes, cancellationToken);
        }
        catch (Exception ex) when (ContentFault.IsContentFault(ex))
        {
            throw ContentFault.Invalid("a valid Word document (.docx)", ex);
        }
    }

    private static async Task CheckSignatureAsync(Stream stream, CancellationToken cancellationToken)
    {
        var start = new byte[CompoundFileSignature.Length];
        var read = await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        if (start.AsSpan().SequenceEqual(CompoundFileSignature))
        {
            throw new DocumentExtractionException(
                "This file is encrypted (password-protected) or is an old Word 97-2003 document, not a .docx; DocPipeline cannot read it.");
        }

        if (read < 4 || start is not [(byte)'P', (byte)'K', 3 or 5, 4 or 6, ..])
        {
            throw new DocumentExtractionException("This file is not a valid Word document (.docx): it is not a ZIP package.");
        }
    }

    /// <summary>
    /// Decompresses every part of the package once, counting the bytes that come out (not the sizes the archive
    /// declares, which a crafted file can fake), and refuses the document as soon as they pass <paramref name="limit"/>.
    /// </summary>
    private static async Task CheckDecompressedSizeAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        await using (archive.ConfigureAwait(false))
        {
            foreach (var entry in archive.Entries)
            {
                var part = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (part.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await part.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        total += read;
                        if (total > limit)
                        {
                            throw DocumentLimitFault.DecompressesTooLarge(limit);
                        }
                    }
                }
            }
        }

        stream.Position = 0;
    }

    private static ExtractedDocument Extract(Stream stream, long? maxDecompressedBytes, CancellationToken cancellationToken)
    {
        var maxCharacters = Math.Min(MaxCharactersInPart, maxDecompressedBytes ?? long.MaxValue);
        using var document = WordprocessingDocument.Open(stream, isEditable: false, new OpenSettings { MaxCharactersInPart = maxCharacters });
        var main = document.MainDocumentPart
            ?? throw new DocumentExtractionException("This file is not a Word document (.docx): the package has no main document part.");
        var body = main.Document?.Body;

        var writer = new TextBlockWriter();
        var bodyWriter = new BodyWriter(writer, cancellationToken);
        if (body is not null)
        {
            bodyWriter.WriteBlocks(body, depth: 0);
        }

        // Footnotes and endnotes are real text the reader sees at the foot of the page or the end; the separator
        // lines Word stores among them are not.
        var notes = (main.FootnotesPart?.Footnotes?.Elements<Footnote>() ?? []).Where(static n => IsNote(n.Type))
            .Concat<OpenXmlElement>((main.EndnotesPart?.Endnotes?.Elements<Endnote>() ?? []).Where(static n => IsNote(n.Type)));
        foreach (var note in notes)
        {
            bodyWriter.WriteBlocks(note, depth: 0);
        }

        var properties = document.PackageProperties;
        var metadata = ExtractedDocuments.Metadata(
            (DocumentMetadataKeys.Title, string.IsNullOrWhiteSpace(properties.Title) ? TitleParagraph(main, body) : properties.Title),
            (DocumentMetadataKeys.Author, properties.Creator));
        return ExtractedDocuments.Create(writer.ToString(), metadata);
    }

    /// <summary>Finds the text of the first paragraph styled Title, else of the first styled Heading 1.</summary>
    private static string? TitleParagraph(MainDocumentPart main, Body? body)
    {
        if (body is null)
        {
            return null;
        }

        var names = main.StyleDefinitionsPart?.Styles?.Elements<Style>()
            .Where(static s => s.StyleId?.Value is not null)
            .GroupBy(static s => s.StyleId!.Value!, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.First().StyleName?.Val?.Value ?? g.Key, StringComparer.Ordinal);

        string? heading = null;
        foreach (var paragraph in body.Descendants<Paragraph>())
        {
            var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
            if (styleId is null)
            {
                continue;
            }

            var name = names is not null && names.TryGetValue(styleId, out var styleName) ? styleName : styleId;
            var isTitle = string.Equals(name, "Title", StringComparison.OrdinalIgnoreCase);
            if (!isTitle && (heading is not null || !IsHeading1(name)))
            {
                continue;
            }

            var text = ExtractedDocuments.CollapseWhitespace(string.Concat(paragraph.Descendants<Text>().Select(static t => t.Text)));
            if (text.Length == 0)
            {
                continue;
            }

            if (isTitle)
            {
                return text;
            }

            heading = text;
        }

        return heading;
    }

    private static bool IsNote(EnumValue<FootnoteEndnoteValues>? type) => type?.Value is null || type.Value == FootnoteEndnoteValues.Normal;

    private static bool IsHeading1(string styleName) =>
        string.Equals(styleName, "heading 1", StringComparison.OrdinalIgnoreCase)
        || string.Equals(styleName, "Heading1", StringComparison.OrdinalIgnoreCase);

    /// <summary>Walks a document body and writes its text.</summary>
    private sealed class BodyWriter(TextBlockWriter writer, CancellationToken cancellationToken)
    {
        private int _cellDepth;

        public void WriteBlocks(OpenXmlElement container, int depth)
        {
            CheckDepth(depth);
            foreach (var child in container.ChildElements)
            {
                switch (child)
                {
                    case Paragraph paragraph:
                        WriteParagraph(paragraph, depth + 1);
                        break;
                    case Table table:
                        WriteTable(table, depth + 1);
                        break;
                    case AlternateContent alternate:
                        WriteFirstChoice(alternate, depth + 1, WriteBlocks);
                        break;
                    case SectionProperties or SdtProperties or SdtEndCharProperties or ParagraphProperties:
                        break;
                    case OpenXmlCompositeElement composite:
                        WriteBlocks(composite, depth + 1);
                        break;
                }
            }
        }

        private static void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new DocumentExtractionException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"This Word document cannot be read: its elements are too deeply nested (more than {MaxDepth} levels)."));
            }
        }

        private static void WriteFirstChoice(AlternateContent alternate, int depth, Action<OpenXmlElement, int> write)
        {
            var choice = alternate.GetFirstChild<AlternateContentChoice>();
            if (choice is not null)
            {
                write(choice, depth);
            }
        }

        private void WriteParagraph(Paragraph paragraph, int depth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EndBlock();
            var textBoxes = new List<OpenXmlElement>();
            WriteInline(paragraph, textBoxes, depth);
            EndBlock();
            foreach (var textBox in textBoxes)
            {
                WriteBlocks(textBox, depth + 1);
            }
        }

        private void WriteInline(OpenXmlElement element, List<OpenXmlElement> textBoxes, int depth)
        {
            CheckDepth(depth);
            foreach (var child in element.ChildElements)
            {
                switch (child)
                {
                    case Text text:
                        writer.Write(text.Text);
                        break;
                    case TabChar or PositionalTab:
                        Separate();
                        break;
                    case Break or CarriageReturn:
                        if (_cellDepth > 0)
                        {
                            writer.Space();
                        }
                        else
                        {
                            writer.LineBreak();
                        }

                        break;
                    case NoBreakHyphen:
                        writer.Write("-");
                        break;
                    case TextBoxContent textBox:
                        textBoxes.Add(textBox);
                        break;
                    case AlternateContent alternate:
                        WriteFirstChoice(alternate, depth + 1, (choice, d) => WriteInline(choice, textBoxes, d));
                        break;
                    case DeletedRun or MoveFromRun or FieldCode or DeletedFieldCode or ParagraphProperties or RunProperties:
                        break;
                    case OpenXmlCompositeElement composite:
                        WriteInline(composite, textBoxes, depth + 1);
                        break;
                }
            }
        }

        private void WriteTable(Table table, int depth)
        {
            EndBlock();
            foreach (var row in table.Descendants<TableRow>().Where(r => r.Ancestors<Table>().FirstOrDefault() == table))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_cellDepth > 0)
                {
                    writer.Space();
                }
                else
                {
                    writer.LineBreak();
                }

                foreach (var cell in row.Elements<TableCell>())
                {
                    Separate();
                    _cellDepth++;
                    WriteBlocks(cell, depth + 1);
                    _cellDepth--;
                }
            }

            EndBlock();
        }

        /// <summary>Ends a block: a blank line, or only a space inside a table cell so that a row stays on one line.</summary>
        private void EndBlock()
        {
            if (_cellDepth > 0)
            {
                writer.Space();
            }
            else
            {
                writer.ParagraphBreak();
            }
        }

        /// <summary>Separates cells and tab stops: a tab, or a space inside a table cell.</summary>
        private void Separate()
        {
            if (_cellDepth > 0)
            {
                writer.Space();
            }
            else
            {
                writer.Tab();
            }
        }
    }
}
