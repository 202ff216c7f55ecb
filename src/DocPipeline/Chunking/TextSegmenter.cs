namespace DocPipeline.Chunking;

/// <summary>
/// Finds paragraphs, sentences and words in a document text. Every span it returns is trimmed of white space and
/// non-empty, and the spans of one call are in order and do not overlap. Only white space, or a boundary right
/// after a sentence-ending CJK mark, ever separates two spans, so a WordPiece tokenizer counts the text of several
/// adjacent spans as the sum of their counts.
/// </summary>
internal static class TextSegmenter
{
    /// <summary>Finds the paragraphs of <c>text[start..end)</c>: runs of text separated by a blank line or a form feed.</summary>
    /// <param name="text">The document text.</param>
    /// <param name="start">The first offset to look at.</param>
    /// <param name="end">The offset past the last character to look at.</param>
    /// <param name="paragraphs">Receives the paragraphs.</param>
    public static void Paragraphs(string text, int start, int end, List<TextSpan> paragraphs) =>
        Split(text, start, end, paragraphs, ParagraphEnd);

    /// <summary>
    /// Finds the sentences of <c>text[start..end)</c>. A sentence ends at a line break, after <c>. ! ? …</c> (and any
    /// closing quotes or brackets) followed by white space, and right after a CJK full stop, exclamation or question mark.
    /// </summary>
    /// <param name="text">The document text.</param>
    /// <param name="start">The first offset to look at.</param>
    /// <param name="end">The offset past the last character to look at.</param>
    /// <param name="sentences">Receives the sentences.</param>
    public static void Sentences(string text, int start, int end, List<TextSpan> sentences) =>
        Split(text, start, end, sentences, SentenceEnd);

    /// <summary>Finds the words of <c>text[start..end)</c>: runs of characters that are not white space.</summary>
    /// <param name="text">The document text.</param>
    /// <param name="start">The first offset to look at.</param>
    /// <param name="end">The offset past the last character to look at.</param>
    /// <param name="words">Receives the words.</param>
    public static void Words(string text, int start, int end, List<TextSpan> words) =>
        Split(text, start, end, words, WordEnd);

    /// <summary>Adds the spans that <paramref name="spanEnd"/> delimits, each trimmed of white space, skipping empty ones.</summary>
    private static void Split(string text, int start, int end, List<TextSpan> spans, Func<string, int, int, int> spanEnd)
    {
        var position = SkipWhiteSpace(text, start, end);
        while (position < end)
        {
            var next = spanEnd(text, position, end);
            var trimmed = next;
            while (trimmed > position && char.IsWhiteSpace(text[trimmed - 1]))
            {
                trimmed--;
            }

            spans.Add(new TextSpan(position, trimmed));
            position = SkipWhiteSpace(text, next, end);
        }
    }

    private static int SkipWhiteSpace(string text, int position, int end)
    {
        while (position < end && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    /// <summary>Returns the offset past the white space that ends the paragraph: a run with two line breaks or a form feed.</summary>
    private static int ParagraphEnd(string text, int position, int end)
    {
        while (position < end)
        {
            if (!char.IsWhiteSpace(text[position]))
            {
                position++;
                continue;
            }

            var breaks = 0;
            while (position < end && char.IsWhiteSpace(text[position]))
            {
                var c = text[position];
                if (c == '\n' || (c == '\r' && (position + 1 == end || text[position + 1] != '\n')))
                {
                    breaks++;
                }
                else if (c == '\f')
                {
                    breaks += 2;
                }

                position++;
            }

            if (breaks >= 2)
            {
                return position;
            }
        }

        return end;
    }

    private static int WordEnd(string text, int position, int end)
    {
        while (position < end && !char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    /// <summary>Returns the offset just past the sentence that starts at <paramref name="position"/> (a non-white-space character).</summary>
    private static int SentenceEnd(string text, int position, int end)
    {
        while (position < end)
        {
            var c = text[position++];
            if (c is '\n' or '\r')
            {
                return position;
            }

            if (c is '。' or '！' or '？' or '｡' or '．')
            {
                return SkipClosers(text, position, end);
            }

            if (c is '.' or '!' or '?' or '…')
            {
                var after = SkipClosers(text, position, end);
                if (after == end || char.IsWhiteSpace(text[after]))
                {
                    return after;
                }
            }
        }

        return end;
    }

    private static int SkipClosers(string text, int position, int end)
    {
        while (position < end && text[position] is '"' or '\'' or ')' or ']' or '}' or '”' or '’' or '»' or '」' or '』' or '）')
        {
            position++;
        }

        return position;
    }
}
