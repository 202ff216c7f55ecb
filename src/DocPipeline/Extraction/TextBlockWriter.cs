using System.Buffers;
using System.Text;

namespace DocPipeline.Extraction;

/// <summary>
/// Builds plain text out of structured content (markup trees, document bodies): collapses whitespace inside running
/// text, separates blocks by exactly one blank line, and never leaves leading or trailing breaks.
/// </summary>
/// <remarks>
/// Breaks and separators are pending until the next visible character, so empty elements and runs of block
/// boundaries never produce more than one blank line, and the text never starts or ends with one.
/// </remarks>
internal sealed class TextBlockWriter
{
    private static readonly SearchValues<char> WhiteSpace = SearchValues.Create(
        string.Concat(Enumerable.Range(0, char.MaxValue + 1).Select(static c => (char)c).Where(char.IsWhiteSpace)));

    private readonly StringBuilder _text;
    private int _pendingBreak;
    private char _pendingSeparator;

    public TextBlockWriter()
        : this(capacity: 256)
    {
    }

    public TextBlockWriter(int capacity) => _text = new StringBuilder(capacity);

    /// <summary>Gets a value indicating whether no visible text has been written yet.</summary>
    public bool IsEmpty => _text.Length == 0;

    /// <summary>Writes running text: every run of whitespace becomes one space, soft hyphens are dropped.</summary>
    public void Write(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var word = text.IndexOfAny(WhiteSpace);
            if (word != 0)
            {
                var length = word < 0 ? text.Length : word;
                AppendWord(text[..length]);
                text = text[length..];
                continue;
            }

            Space();
            var next = text.IndexOfAnyExcept(WhiteSpace);
            text = next < 0 ? [] : text[next..];
        }
    }

    /// <summary>
    /// Writes text whose spaces and line breaks matter (code, preformatted blocks): lines and indentation are kept,
    /// trailing spaces dropped, and a blank line between lines stays a blank line.
    /// </summary>
    public void WritePreformatted(ReadOnlySpan<char> text)
    {
        for (var index = 0; ; index++)
        {
            var end = text.IndexOfAny('\r', '\n');
            var line = end < 0 ? text : text[..end];
            var content = line.TrimEnd();
            var isLast = end < 0;
            if (index > 0)
            {
                if (content.IsEmpty && !isLast)
                {
                    ParagraphBreak();
                }
                else
                {
                    LineBreak();
                }
            }

            if (!content.IsEmpty)
            {
                Flush();
                _text.Append(content);
            }

            if (isLast)
            {
                if (content.Length < line.Length)
                {
                    Space();
                }

                return;
            }

            var newline = text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1;
            text = text[(end + newline)..];
        }
    }

    /// <summary>Separates the next text from the previous one by at least a space.</summary>
    public void Space() => Separate(' ');

    /// <summary>Separates the next text from the previous one by a tab (table cells), unless a break is pending.</summary>
    public void Tab() => Separate('\t');

    /// <summary>Starts the next text on a new line.</summary>
    public void LineBreak() => _pendingBreak = Math.Max(_pendingBreak, 1);

    /// <summary>Starts the next text after a blank line.</summary>
    public void ParagraphBreak() => _pendingBreak = 2;

    /// <inheritdoc/>
    public override string ToString() => _text.ToString();

    /// <summary>Appends a run without whitespace, leaving out soft hyphens: invisible, they would split the word for search.</summary>
    private void AppendWord(ReadOnlySpan<char> word)
    {
        while (!word.IsEmpty)
        {
            var softHyphen = word.IndexOf('\u00AD');
            var part = softHyphen < 0 ? word : word[..softHyphen];
            if (!part.IsEmpty)
            {
                Flush();
                _text.Append(part);
            }

            word = softHyphen < 0 ? [] : word[(softHyphen + 1)..];
        }
    }

    private void Separate(char separator)
    {
        if (_pendingSeparator != '\t')
        {
            _pendingSeparator = separator;
        }
    }

    private void Flush()
    {
        if (_text.Length > 0)
        {
            if (_pendingBreak > 0)
            {
                _text.Append('\n', _pendingBreak);
            }
            else if (_pendingSeparator != '\0')
            {
                _text.Append(_pendingSeparator);
            }
        }

        _pendingBreak = 0;
        _pendingSeparator = '\0';
    }
}
