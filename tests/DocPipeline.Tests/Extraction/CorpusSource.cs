namespace DocPipeline.Tests.Extraction;

/// <summary>
/// The text of one generated sample-corpus document (<c>CorpusSources/&lt;file&gt;.txt</c>): <c>Title:</c> and
/// <c>Author:</c> header lines, then blocks separated by blank lines — <c># title</c>, <c>## heading</c>, paragraphs,
/// <c>| table | rows |</c>, and <c>[page]</c> to start a new PDF page.
/// </summary>
internal sealed record CorpusSource(string FileName, string Title, string Author, IReadOnlyList<IReadOnlyList<CorpusBlock>> Pages)
{
    public static CorpusSource Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines.TakeWhile(static l => l.Length > 0).ToDictionary(
            static l => l[..l.IndexOf(':', StringComparison.Ordinal)],
            static l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(),
            StringComparer.Ordinal);

        var pages = new List<IReadOnlyList<CorpusBlock>> { new List<CorpusBlock>() };
        var body = string.Join('\n', lines.SkipWhile(static l => l.Length > 0)).Trim();
        foreach (var chunk in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var blocks = (List<CorpusBlock>)pages[^1];
            if (chunk == "[page]")
            {
                pages.Add(new List<CorpusBlock>());
            }
            else if (chunk.StartsWith('|'))
            {
                var rows = chunk.Split('\n').Select(static row => row.Trim('|').Split('|', StringSplitOptions.TrimEntries)).ToList();
                blocks.Add(new CorpusBlock(CorpusBlockKind.Table, string.Empty, rows));
            }
            else if (chunk.StartsWith("# ", StringComparison.Ordinal))
            {
                blocks.Add(new CorpusBlock(CorpusBlockKind.Title, chunk[2..], []));
            }
            else if (chunk.StartsWith("## ", StringComparison.Ordinal))
            {
                blocks.Add(new CorpusBlock(CorpusBlockKind.Heading, chunk[3..], []));
            }
            else
            {
                blocks.Add(new CorpusBlock(CorpusBlockKind.Paragraph, chunk.ReplaceLineEndings(" "), []));
            }
        }

        return new CorpusSource(Path.GetFileNameWithoutExtension(path), header["Title"], header["Author"], pages);
    }

    /// <summary>Gets every word of the document, in order, as an extractor should read them.</summary>
    public IEnumerable<string> Words() => Pages
        .SelectMany(static page => page)
        .SelectMany(static block => block.Kind == CorpusBlockKind.Table ? block.Rows.SelectMany(static row => row) : [block.Text])
        .SelectMany(static text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
