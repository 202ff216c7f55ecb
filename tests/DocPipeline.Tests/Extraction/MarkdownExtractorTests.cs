using System.Text;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests.Extraction;

namespace DocPipeline.Tests.Extraction;

public sealed class MarkdownExtractorTests : DocumentExtractorSpecificationTests
{
    protected override IDocumentExtractor CreateExtractor() => new MarkdownExtractor();

    protected override byte[] CreateDocument(IReadOnlyList<string> paragraphs) => Encoding.UTF8.GetBytes(string.Join("\n\n", paragraphs));

    [Fact]
    public async Task ExtractAsync_HeadingsAndParagraphs_BlankLinesBetweenAndNoMarkupLeft()
    {
        var markdown = """
            # Honeybee *colonies*

            A colony has **one queen**, thousands of `workers` and a few [drones](https://example.org/drones "Drones").
            Foragers bring back nectar ~~and gossip~~ &amp; pollen.

            ## The hive

            > Comb is built from wax.

            ![a frame of comb](comb.png)

            ---

            See <https://example.org/bees>.
            """;

        var text = await ExtractTextAsync(markdown);

        Assert.Equal(
            "Honeybee colonies\n\n"
            + "A colony has one queen, thousands of workers and a few drones. Foragers bring back nectar and gossip & pollen.\n\n"
            + "The hive\n\n"
            + "Comb is built from wax.\n\n"
            + "See https://example.org/bees.",
            text);
    }

    [Fact]
    public async Task ExtractAsync_FirstHeading_IsTheTitle()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes("Intro line.\n\n## Tide *pools*\n\n# Later heading\n"));

        Assert.Equal("Tide pools", document.Metadata["title"]);
    }

    [Fact]
    public async Task ExtractAsync_FrontMatter_GivesTitleAndAuthorAndIsNotText()
    {
        var markdown = "---\ntitle: \"Orbital mechanics\"\nauthor: Ada Byron\ntags: [space]\n---\n\n# A heading\n\nBody text.\n";

        var document = await ExtractAsync(Encoding.UTF8.GetBytes(markdown));

        Assert.Equal("Orbital mechanics", document.Metadata["title"]);
        Assert.Equal("Ada Byron", document.Metadata["author"]);
        Assert.Equal("A heading\n\nBody text.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_NoHeading_NoTitle()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes("Just a paragraph."));

        Assert.False(document.Metadata.ContainsKey("title"));
    }

    [Fact]
    public async Task ExtractAsync_Lists_TightItemsOnTheirOwnLinesLooseItemsAsParagraphs()
    {
        var markdown = "Steps:\n\n- feed the starter\n- [x] wait\n- bake\n\nAfter.\n\n1. first\n\n2. second\n";

        var text = await ExtractTextAsync(markdown);

        Assert.Equal("Steps:\n\nfeed the starter\nwait\nbake\n\nAfter.\n\nfirst\n\nsecond", text);
    }

    [Fact]
    public async Task ExtractAsync_CodeBlocks_KeptLineByLine()
    {
        var markdown = "Run this:\n\n```csharp\nif (ready)\n{\n    Launch();\n}\n```\n\n    indented code\n";

        var text = await ExtractTextAsync(markdown);

        Assert.Equal("Run this:\n\nif (ready)\n{\n    Launch();\n}\n\nindented code", text);
    }

    [Fact]
    public async Task ExtractAsync_RawHtml_OnlyItsVisibleText()
    {
        var markdown = "Before.\n\n<div align=\"center\">\n<p>Centered <b>words</b></p>\n<script>alert('x')</script>\n<!-- a comment -->\n</div>\n\nAfter<br>line.\n";

        var text = await ExtractTextAsync(markdown);

        Assert.Equal("Before.\n\nCentered words\n\nAfter\nline.", text);
    }

    [Fact]
    public async Task ExtractAsync_PipeTable_RowsOnLinesCellsSeparatedByTabs()
    {
        var markdown = "| Planet | Period |\n|---|---|\n| Mars | 687 days |\n| Venus | 225 days |\n";

        var text = await ExtractTextAsync(markdown);

        Assert.Equal("Planet\tPeriod\nMars\t687 days\nVenus\t225 days", text);
    }

    [Fact]
    public async Task ExtractAsync_InvalidUtf8_NamesTheOffset()
    {
        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(Encoding.Latin1.GetBytes("# Résumé")));

        Assert.Contains("byte 0xE9 at byte offset 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_DeeplyNestedQuotes_ClearErrorNotCrash()
    {
        var markdown = new string('>', 20_000) + " deep";

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(Encoding.UTF8.GetBytes(markdown)));

        Assert.Contains("too deeply nested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_NestedQuotesWithinLimits_Read()
    {
        var text = await ExtractTextAsync(new string('>', 50) + " deep");

        Assert.Equal("deep", text);
    }

    private async Task<string> ExtractTextAsync(string markdown) =>
        Assert.Single((await ExtractAsync(Encoding.UTF8.GetBytes(markdown))).Sections).Text;
}
