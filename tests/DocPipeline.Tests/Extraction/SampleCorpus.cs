using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace DocPipeline.Tests.Extraction;

/// <summary>
/// Writes the PDF and DOCX documents of <c>samples/corpus</c> from their text in <c>CorpusSources</c>. Run the
/// corpus tests with <c>DOCPIPELINE_REGENERATE_CORPUS=1</c> to write them again after editing a source.
/// </summary>
internal static class SampleCorpus
{
    public static IReadOnlyList<CorpusSource> Sources() =>
        Directory.GetFiles(RepositoryPaths.CorpusSourcesDirectory, "*.txt").Order(StringComparer.Ordinal).Select(CorpusSource.Load).ToList();

    public static void Regenerate()
    {
        foreach (var source in Sources())
        {
            File.WriteAllBytes(Path.Combine(RepositoryPaths.CorpusDirectory, source.FileName), Render(source));
        }
    }

    public static byte[] Render(CorpusSource source) => Path.GetExtension(source.FileName) switch
    {
        ".pdf" => TestDocuments.Pdf(
            source.Pages.Select(static page => (IReadOnlyList<TextBlock>)page
                .Select(static b => new TextBlock(b.Text, IsHeading: b.Kind is CorpusBlockKind.Title or CorpusBlockKind.Heading))
                .ToList()).ToList(),
            source.Title,
            source.Author),
        ".docx" => TestDocuments.Docx(source.Pages.SelectMany(static page => page).Select(ToWord), source.Title, source.Author),
        var other => throw new InvalidOperationException($"No writer for '{other}' ({source.FileName})."),
    };

    private static OpenXmlElement ToWord(CorpusBlock block) => block.Kind switch
    {
        CorpusBlockKind.Title => TestDocuments.Paragraph(block.Text, "Title"),
        CorpusBlockKind.Heading => TestDocuments.Paragraph(block.Text, "Heading1"),
        CorpusBlockKind.Table => ToTable(block.Rows),
        _ => TestDocuments.Paragraph(block.Text),
    };

    private static Table ToTable(IReadOnlyList<string[]> rows)
    {
        var table = new Table(new TableProperties(new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 },
            new BottomBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 })));
        table.Append(rows.Select(static row => new TableRow(row.Select(static cell => new TableCell(TestDocuments.Paragraph(cell))))));
        return table;
    }
}
