using System.Text.RegularExpressions;
using DocPipeline.Extraction;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Extraction;

/// <summary>The sample corpus the README demo ingests: every file reads cleanly and says what the corpus README promises.</summary>
public sealed class SampleCorpusTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddDocPipeline().Services.BuildServiceProvider();

    public static TheoryData<string, string> Keywords => new()
    {
        { "lighthouse-keeping.txt", "Fresnel" },
        { "sourdough-baking.txt", "levain" },
        { "composting.txt", "vermicomposting" },
        { "honeybee-colonies.md", "propolis" },
        { "tide-pools.md", "nudibranchs" },
        { "orbital-mechanics.md", "Hohmann" },
        { "printing-press.html", "Gutenberg" },
        { "volcano-monitoring.html", "tiltmeter" },
        { "bicycle-maintenance.html", "derailleur" },
        { "glaciers.pdf", "moraine" },
        { "map-projections.pdf", "Mercator" },
        { "violin-making.pdf", "purfling" },
        { "chess-openings.docx", "Sicilian" },
        { "mushroom-foraging.docx", "chanterelle" },
        { "tea-ceremony.docx", "chasen" },
    };

    private static IEnumerable<string> CorpusFiles => Directory.GetFiles(RepositoryPaths.CorpusDirectory).Order(StringComparer.Ordinal);

    [Fact]
    public async Task GeneratedPdfAndDocx_HoldExactlyTheirSourceText()
    {
        if (Environment.GetEnvironmentVariable("DOCPIPELINE_REGENERATE_CORPUS") == "1")
        {
            SampleCorpus.Regenerate();
        }

        var sources = SampleCorpus.Sources();
        Assert.Equal(6, sources.Count);
        foreach (var source in sources)
        {
            var document = await ExtractAsync(Path.Combine(RepositoryPaths.CorpusDirectory, source.FileName));

            var words = string.Join('\n', document.Sections.Select(static s => s.Text)).Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
            Assert.True(source.Words().SequenceEqual(words), $"{source.FileName} differs from its source; run the corpus tests with DOCPIPELINE_REGENERATE_CORPUS=1.");
            Assert.Equal(source.Title, document.Metadata["title"]);
            Assert.Equal(source.Author, document.Metadata["author"]);
        }
    }

    [Fact]
    public async Task Corpus_EveryFormatHasThreeOrMoreReadableDocuments()
    {
        var byExtension = CorpusFiles.GroupBy(static f => Path.GetExtension(f)).ToDictionary(static g => g.Key, static g => g.ToList());

        Assert.Equal([".docx", ".html", ".md", ".pdf", ".txt"], byExtension.Keys.Order(StringComparer.Ordinal));
        foreach (var (extension, files) in byExtension)
        {
            Assert.InRange(files.Count, 3, 4);
            foreach (var file in files)
            {
                var document = await ExtractAsync(file);
                var words = document.Sections.Sum(static s => s.Text.Split(' ').Length);
                Assert.True(words >= 300, $"{file} has only {words} words.");
                if (extension == ".pdf")
                {
                    Assert.True(document.Sections.Count >= 2, $"{file} has fewer than 2 pages.");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Keywords))]
    public async Task DistinctiveKeyword_FoundInItsDocumentOnly(string fileName, string keyword)
    {
        var pattern = new Regex($@"\b{keyword}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var matches = new List<string>();
        foreach (var file in CorpusFiles)
        {
            var document = await ExtractAsync(file);
            if (document.Sections.Any(s => pattern.IsMatch(s.Text)))
            {
                matches.Add(Path.GetFileName(file));
            }
        }

        Assert.Equal([fileName], matches);
    }

    [Fact]
    public async Task HtmlDocuments_HiddenBoxesAndScriptsNotRead()
    {
        string[] hidden = ["newsletter", "tracking-token", "Home · History", "Leave a comment", "premium cycling gloves", "alert feed", "observatory CMS", "Printed from"];

        foreach (var file in CorpusFiles.Where(static f => f.EndsWith(".html", StringComparison.Ordinal)))
        {
            var text = string.Join('\n', (await ExtractAsync(file)).Sections.Select(static s => s.Text));
            Assert.All(hidden, h => Assert.DoesNotContain(h, text, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Readme_ListsEveryFileAndItsKeyword()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.CorpusDirectory, "..", "corpus.md"));

        Assert.All(CorpusFiles, f => Assert.Contains($"`{Path.GetFileName(f)}`", readme, StringComparison.Ordinal));
        Assert.All(Keywords, k => Assert.Contains((string)k[1], readme, StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => _services.Dispose();

    private async Task<ExtractedDocument> ExtractAsync(string path)
    {
        var resolver = _services.GetRequiredService<ExtractorResolver>();
        Assert.True(resolver.TryResolve(path, out var match), $"No extractor for {path}.");
        await using var stream = File.OpenRead(path);
        return await match.Extractor.ExtractAsync(stream, match.CreateContext(path, Path.GetFileName(path), stream.Length));
    }
}
