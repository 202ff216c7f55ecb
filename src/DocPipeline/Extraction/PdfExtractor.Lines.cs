using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;

namespace DocPipeline.Extraction;

/// <summary>The page layout of <see cref="PdfExtractor"/>: text blocks, and which of their lines are one paragraph.</summary>
/// <remarks>
/// <para>
/// PdfPig finds the words (<see cref="NearestNeighbourWordExtractor"/>) and groups them into lines and blocks
/// (<see cref="DocstrumBoundingBoxes"/>); blocks come in the order the page draws them and are separated by a blank
/// line. Inside a block, a line that only wraps the line before it is joined to it with a space, so a paragraph is one
/// line of text: an edit that makes the rest of a paragraph wrap again then changes only the edited words, not every
/// later line (and chunk) of the paragraph.
/// </para>
/// <para>
/// A line <em>wraps</em> the one before it when: it follows without a blank line's gap; both are set in the same font and size, not a fixed-pitch font
/// (code); it does not start with a list marker; it is not indented against the line before (a hanging indent under a
/// list item's text is how an item wraps); neither line has a gap of columns (a table row); and the line before is full,
/// that is the first word of the line would not have fitted after it within the block's width. Each decision reads
/// only the two lines and the block's edges, so it does not move when a line elsewhere changes.
/// </para>
/// </remarks>
internal sealed partial class PdfExtractor
{
    /// <summary>Parts of the names of fixed-pitch fonts, whose lines are code or tables and never joined.</summary>
    private static readonly string[] FixedPitchNames = ["Courier", "Mono", "Consol", "Menlo", "Typewriter", "CMTT", "Code"];

    private static readonly NearestNeighbourWordExtractor WordExtractor = new(new NearestNeighbourWordExtractor.NearestNeighbourWordExtractorOptions { MaxDegreeOfParallelism = 1 });

    private static readonly DocstrumBoundingBoxes Segmenter = new(new DocstrumBoundingBoxes.DocstrumBoundingBoxesOptions { MaxDegreeOfParallelism = 1 });

    /// <summary>Writes a page's text: its blocks in drawing order, each block's wrapped lines joined into paragraphs.</summary>
    private static string WriteBlocks(Page page)
    {
        var words = WordExtractor.GetWords(page.Letters).Where(static word => !string.IsNullOrWhiteSpace(word.Text)).ToList();
        var writer = new TextBlockWriter();
        if (words.Count == 0)
        {
            return writer.ToString();
        }

        var blocks = Segmenter.GetBlocks(words)
            .Select(static block => (Block: block, First: block.TextLines.SelectMany(static line => line.Words).SelectMany(static word => word.Letters).Min(static letter => letter.TextSequence)))
            .OrderBy(static block => block.First)
            .ThenByDescending(static block => block.Block.BoundingBox.Top)
            .ThenBy(static block => block.Block.BoundingBox.Left)
            .Select(static block => block.Block);
        foreach (var block in blocks)
        {
            writer.ParagraphBreak();
            var (left, right) = (block.TextLines.Min(static line => line.BoundingBox.Left), block.TextLines.Max(static line => line.BoundingBox.Right));
            TextLine? previous = null;
            foreach (var line in block.TextLines)
            {
                if (previous is not null && IsParagraphGap(previous, line))
                {
                    writer.ParagraphBreak();
                }
                else if (previous is null || !Wraps(previous, line, left, right))
                {
                    writer.LineBreak();
                }
                else if (!EndsWithHyphen(previous))
                {
                    writer.Space();
                }

                writer.Write(line.Text);
                previous = line;
            }
        }

        return writer.ToString();
    }

    /// <summary>Tells whether <paramref name="line"/> only continues <paramref name="previous"/>, wrapped by the layout.</summary>
    private static bool Wraps(TextLine previous, TextLine line, double left, double right)
    {
        var (font, size) = Style(previous);
        var (lineFont, lineSize) = Style(line);
        if (font != lineFont || Math.Abs(size - lineSize) > 0.5 || size <= 0 || IsFixedPitch(font)
            || IsListMarker(line.Words[0].Text) || HasColumnGap(previous, size) || HasColumnGap(line, size))
        {
            return false;
        }

        var tolerance = size;
        var lineLeft = line.BoundingBox.Left;
        if (IsListMarker(previous.Words[0].Text))
        {
            // A list item wraps under its text (a hanging indent); a line under its marker is the next paragraph.
            if (previous.Words.Count < 2 || Math.Abs(lineLeft - previous.Words[1].BoundingBox.Left) > size / 4)
            {
                return false;
            }
        }
        else if (lineLeft > previous.BoundingBox.Left + tolerance)
        {
            return false;
        }

        // Full: the line's first word would not have fitted after the previous line. Lines wrapped by character count
        // or by a ragged-right layout end short of the widest line by up to a tenth of the width, so allow that much.
        var slack = Math.Max(2 * size, (right - left) / 10);
        return previous.BoundingBox.Right + (size / 3) + line.Words[0].BoundingBox.Width > right - slack;
    }

    /// <summary>
    /// Tells whether more than 1.7 times the smaller font size lies between the two lines' baselines: a blank line
    /// (PdfPig's own measure for a new paragraph), also where the layout analysis kept both lines in one block.
    /// </summary>
    private static bool IsParagraphGap(TextLine previous, TextLine line) =>
        Baseline(previous) - Baseline(line) > 1.7 * Math.Min(Style(previous).Size, Style(line).Size);

    /// <summary>The height of the line's baseline on the page (its first letter's).</summary>
    private static double Baseline(TextLine line) => line.Words[0].Letters[0].StartBaseLine.Y;

    /// <summary>The font and size (points) most of the line's letters are set in.</summary>
    private static (string Font, double Size) Style(TextLine line) =>
        line.Words.SelectMany(static word => word.Letters)
            .GroupBy(static letter => (letter.FontName ?? string.Empty, Math.Round(letter.PointSize * 2) / 2))
            .MaxBy(static group => group.Count())!.Key;

    private static bool IsFixedPitch(string font) =>
        FixedPitchNames.Any(name => font.Contains(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Tells whether a word is a bullet or an item number (<c>-</c>, <c>•</c>, <c>1.</c>, <c>a)</c>).</summary>
    private static bool IsListMarker(string word) =>
        word is "-" or "–" or "—" or "•" or "◦" or "▪" or "·" or "*" or "+"
        || (word.Length is >= 2 and <= 4 && word[^1] is '.' or ')' && word[..^1].All(char.IsAsciiLetterOrDigit) && (word.Length == 2 || word[..^1].All(char.IsAsciiDigit)));

    /// <summary>Tells whether two words of the line stand further apart than two ems: table columns, not running text.</summary>
    private static bool HasColumnGap(TextLine line, double size)
    {
        for (var index = 1; index < line.Words.Count; index++)
        {
            if (line.Words[index].BoundingBox.Left - line.Words[index - 1].BoundingBox.Right > 2 * size)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells whether the line ends with a word broken by a hyphen, joined to the next line without a space.</summary>
    private static bool EndsWithHyphen(TextLine line)
    {
        var text = line.Words[^1].Text;
        return text.Length > 1 && text[^1] == '-' && char.IsLetter(text[^2]);
    }
}
