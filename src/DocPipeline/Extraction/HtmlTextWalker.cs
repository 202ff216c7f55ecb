using System.Collections.Frozen;
using AngleSharp.Css;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;

namespace DocPipeline.Extraction;

/// <summary>
/// Writes the visible text of an HTML tree: skips what a browser does not show (scripts, styles, templates, the
/// head, <c>hidden</c> and <c>aria-hidden</c> elements, and — when style sheets are given — <c>display: none</c> and
/// <c>visibility: hidden</c>), separates block boxes by blank lines, table rows by line breaks and cells by tabs.
/// </summary>
/// <remarks>The walk uses its own stack, so a deeply nested page cannot overflow the thread's stack.</remarks>
internal sealed class HtmlTextWalker
{
    private static readonly FrozenSet<string> SkippedElements = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "script", "style", "template", "noscript", "head", "title", "iframe", "object", "embed", "canvas", "svg", "math",
        "select", "datalist", "audio", "video", "img", "picture", "input", "button");

    private static readonly FrozenSet<string> BlockElements = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section",
        "summary", "table", "ul", "xmp");

    private readonly TextBlockWriter _writer;
    private readonly IStyleCollection? _styles;

    /// <summary>Initializes a new instance of the <see cref="HtmlTextWalker"/> class.</summary>
    /// <param name="writer">Where the text goes.</param>
    /// <param name="styles">The page's style sheets (with the user agent's), or <see langword="null"/> to judge by tag names and attributes only.</param>
    public HtmlTextWalker(TextBlockWriter writer, IStyleCollection? styles)
    {
        _writer = writer;
        _styles = styles;
    }

    private enum Box
    {
        Inline,
        InlineBlock,
        Block,
        Row,
        Cell,
        LineBreak,
    }

    /// <summary>Writes the visible text below <paramref name="root"/> (not the root's own box).</summary>
    /// <param name="root">The element, document or fragment to read.</param>
    /// <param name="cancellationToken">A token to cancel the walk.</param>
    public void Write(INode root, CancellationToken cancellationToken)
    {
        var stack = new Stack<Frame>();
        PushChildren(stack, root, visible: true, preformatted: false);
        var steps = 0;
        while (stack.TryPop(out var frame))
        {
            if (++steps % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (frame.Node is null)
            {
                Close(frame.Box);
                continue;
            }

            switch (frame.Node)
            {
                case IText text when frame.Visible:
                    if (frame.Preformatted)
                    {
                        _writer.WritePreformatted(text.Data);
                    }
                    else
                    {
                        _writer.Write(text.Data);
                    }

                    break;
                case IElement element:
                    Enter(stack, element, frame.Visible, frame.Preformatted);
                    break;
            }
        }
    }

    private static void PushChildren(Stack<Frame> stack, INode parent, bool visible, bool preformatted)
    {
        var children = parent.ChildNodes;
        for (var i = children.Length - 1; i >= 0; i--)
        {
            stack.Push(new Frame(children[i], visible, preformatted, Box.Inline));
        }
    }

    private static bool IsHiddenByAttribute(IElement element) =>
        element.HasAttribute("hidden")
        || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase);

    private static Box BoxOf(string display) => display switch
    {
        "" or "inline" or "contents" or "ruby" => Box.Inline,
        "inline-block" or "inline-flex" or "inline-grid" or "inline-table" => Box.InlineBlock,
        "table-row" or "table-row-group" or "table-header-group" or "table-footer-group" => Box.Row,
        "table-cell" => Box.Cell,
        _ => Box.Block,
    };

    private static Box BoxOf(IElement element) => element.LocalName switch
    {
        "br" => Box.LineBreak,
        "tr" or "thead" or "tbody" or "tfoot" => Box.Row,
        "td" or "th" => Box.Cell,
        var name when BlockElements.Contains(name) => Box.Block,
        _ => Box.Inline,
    };

    private static bool HasInlineDisplayNone(IElement element)
    {
        var style = element.GetAttribute("style");
        if (string.IsNullOrEmpty(style))
        {
            return false;
        }

        var compact = string.Concat(style.Where(static c => !char.IsWhiteSpace(c)));
        return compact.Contains("display:none", StringComparison.OrdinalIgnoreCase)
            || compact.Contains("visibility:hidden", StringComparison.OrdinalIgnoreCase);
    }

    private void Enter(Stack<Frame> stack, IElement element, bool visible, bool preformatted)
    {
        if (SkippedElements.Contains(element.LocalName) || IsHiddenByAttribute(element))
        {
            return;
        }

        var box = BoxOf(element);
        if (_styles is null)
        {
            if (HasInlineDisplayNone(element))
            {
                return;
            }
        }
        else
        {
            var style = _styles.ComputeExplicitStyle(element);
            var display = style.GetDisplay();
            if (string.Equals(display, "none", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            visible = style.GetVisibility() switch
            {
                "hidden" or "collapse" => false,
                "visible" => true,
                _ => visible,
            };
            if (box != Box.LineBreak)
            {
                box = BoxOf(display);
            }
        }

        if (box == Box.LineBreak)
        {
            _writer.LineBreak();
            return;
        }

        Open(box);
        stack.Push(new Frame(null, visible, preformatted, box));
        var isPreformatted = preformatted || element.LocalName is "pre" or "textarea" or "listing" or "plaintext" or "xmp";
        PushChildren(stack, element, visible, isPreformatted);
    }

    private void Open(Box box)
    {
        switch (box)
        {
            case Box.Block:
                _writer.ParagraphBreak();
                break;
            case Box.Row:
                _writer.LineBreak();
                break;
            case Box.Cell:
                _writer.Tab();
                break;
            case Box.InlineBlock:
                _writer.Space();
                break;
        }
    }

    private void Close(Box box) => Open(box);

    /// <summary>One step of the walk: a node to enter, or (without a node) the end of a box to close.</summary>
    private readonly record struct Frame(INode? Node, bool Visible, bool Preformatted, Box Box);
}
