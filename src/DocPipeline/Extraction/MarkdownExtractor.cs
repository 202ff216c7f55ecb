using System.Globalization;
using AngleSharp.Html.Parser;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace DocPipeline.Extraction;

/// <summary>
/// Reads Markdown (<c>.md</c>, <c>.markdown</c>) with Markdig into plain text: headings and paragraphs separated by
/// blank lines, list items and table rows on their own lines, code kept as it is, no markup left (raw HTML is reduced
/// to its visible text). <c>title</c> comes from YAML front matter, else from the first heading; <c>author</c> from
/// front matter. The bytes are decoded strictly, like plain text.
/// </summary>
internal sealed class MarkdownExtractor : IDocumentExtractor
{
    /// <summary>Blocks and inlines nested deeper than this are refused (a guard against pathological input).</summary>
    internal const int MaxDepth = 256;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseFootnotes()
        .Build();

    /// <inheritdoc/>
    public IReadOnlyCollection<string> MediaTypes { get; } = [KnownMediaTypes.Markdown];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> FileExtensions { get; } = [".md", ".markdown"];

    /// <inheritdoc/>
    public async Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();

        var markdown = await StrictTextDecoder.ReadToEndAsync(content, context.Length, context.MaxTextBytes, trimStart: false, cancellationToken).ConfigureAwait(false);
        if (markdown.Length == 0)
        {
            return ExtractedDocuments.Empty;
        }

        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(markdown, Pipeline);
        }
        catch (Exception ex) when (ContentFault.IsContentFault(ex))
        {
            // Markdig reads any text; it refuses only input past its limits, such as nesting too deep.
            throw new DocumentExtractionException($"This Markdown file cannot be read: {ex.Message.Trim()}", ex);
        }

        var writer = new PlainTextRenderer(markdown.Length, cancellationToken);
        writer.WriteBlocks(document, tight: false, depth: 0);

        var frontMatter = document.Descendants<YamlFrontMatterBlock>().FirstOrDefault();
        var metadata = ExtractedDocuments.Metadata(
            (DocumentMetadataKeys.Title, FrontMatterValue(frontMatter, "title") ?? writer.FirstHeading),
            (DocumentMetadataKeys.Author, FrontMatterValue(frontMatter, "author")));
        return ExtractedDocuments.Create(writer.ToString(), metadata);
    }

    /// <summary>Reads a top-level scalar (<c>key: value</c>, quoted or not) from YAML front matter.</summary>
    private static string? FrontMatterValue(YamlFrontMatterBlock? frontMatter, string key)
    {
        if (frontMatter is null)
        {
            return null;
        }

        foreach (var line in frontMatter.Lines.Lines)
        {
            var text = line.Slice.ToString();
            if (text.Length <= key.Length || !text.StartsWith(key, StringComparison.Ordinal) || text[key.Length] != ':')
            {
                continue;
            }

            var value = text[(key.Length + 1)..].Trim();
            if (value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            return value;
        }

        return null;
    }

    /// <summary>Walks a Markdig syntax tree and writes its text.</summary>
    private sealed class PlainTextRenderer(int capacity, CancellationToken cancellationToken)
    {
        private readonly TextBlockWriter _writer = new(capacity);
        private readonly HtmlParser _htmlParser = new();

        /// <summary>Gets the text of the first heading, or <see langword="null"/> when there is none.</summary>
        public string? FirstHeading { get; private set; }

        public override string ToString() => _writer.ToString();

        public void WriteBlocks(ContainerBlock container, bool tight, int depth)
        {
            CheckDepth(depth);
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var block in container)
            {
                WriteBlock(block, tight, depth + 1);
            }
        }

        private static void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new DocumentExtractionException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"This Markdown file cannot be read: its blocks or inlines are too deeply nested (more than {MaxDepth} levels)."));
            }
        }

        private void WriteBlock(Block block, bool tight, int depth)
        {
            switch (block)
            {
                case YamlFrontMatterBlock or LinkReferenceDefinitionGroup or ThematicBreakBlock:
                    Break(tight: false);
                    break;
                case HeadingBlock heading:
                    Break(tight: false);
                    if (FirstHeading is null)
                    {
                        var title = new PlainTextRenderer(64, cancellationToken);
                        title.WriteInlines(heading.Inline, depth);
                        FirstHeading = title.ToString();
                    }

                    WriteInlines(heading.Inline, depth);
                    Break(tight: false);
                    break;
                case CodeBlock code:
                    Break(tight: false);
                    _writer.WritePreformatted(code.Lines.ToString());
                    Break(tight: false);
                    break;
                case HtmlBlock html:
                    Break(tight);
                    var fragment = _htmlParser.ParseDocument("<!DOCTYPE html><body>" + html.Lines.ToString());
                    new HtmlTextWalker(_writer, styles: null).Write(fragment.Body!, cancellationToken);
                    Break(tight);
                    break;
                case Table table:
                    WriteTable(table, depth);
                    break;
                case ListBlock list:
                    Break(tight);
                    WriteBlocks(list, tight: !list.IsLoose, depth);
                    Break(tight);
                    break;
                case ContainerBlock container:
                    Break(tight);
                    WriteBlocks(container, tight, depth);
                    Break(tight);
                    break;
                case LeafBlock leaf when leaf.Inline is not null:
                    Break(tight);
                    WriteInlines(leaf.Inline, depth);
                    Break(tight);
                    break;
            }
        }

        private void WriteTable(Table table, int depth)
        {
            Break(tight: false);
            foreach (var row in table.OfType<TableRow>())
            {
                _writer.LineBreak();
                foreach (var cell in row.OfType<TableCell>())
                {
                    _writer.Tab();
                    foreach (var paragraph in cell.OfType<LeafBlock>())
                    {
                        _writer.Space();
                        WriteInlines(paragraph.Inline, depth + 1);
                    }
                }
            }

            Break(tight: false);
        }

        private void WriteInlines(ContainerInline? container, int depth)
        {
            CheckDepth(depth);
            if (container is null)
            {
                return;
            }

            foreach (var inline in container)
            {
                switch (inline)
                {
                    case LiteralInline literal:
                        _writer.Write(literal.Content.AsSpan());
                        break;
                    case CodeInline code:
                        _writer.Write(code.Content);
                        break;
                    case HtmlEntityInline entity:
                        _writer.Write(entity.Transcoded.AsSpan());
                        break;
                    case AutolinkInline link:
                        _writer.Write(link.Url);
                        break;
                    case LineBreakInline lineBreak when lineBreak.IsHard:
                        _writer.LineBreak();
                        break;
                    case LineBreakInline:
                        _writer.Space();
                        break;
                    case HtmlInline html when html.Tag.StartsWith("<br", StringComparison.OrdinalIgnoreCase):
                        _writer.LineBreak();
                        break;
                    case LinkInline { IsImage: true } or TaskList:
                        break;
                    case ContainerInline nested:
                        WriteInlines(nested, depth + 1);
                        break;
                }
            }
        }

        private void Break(bool tight)
        {
            if (tight)
            {
                _writer.LineBreak();
            }
            else
            {
                _writer.ParagraphBreak();
            }
        }
    }
}
