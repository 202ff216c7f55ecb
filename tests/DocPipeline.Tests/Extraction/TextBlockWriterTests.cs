using DocPipeline.Extraction;

namespace DocPipeline.Tests.Extraction;

public sealed class TextBlockWriterTests
{
    [Fact]
    public void Write_WhitespaceRuns_CollapsedToOneSpaceAndTrimmed()
    {
        var writer = new TextBlockWriter();

        writer.Write("  \t many \n\n  spaces\u00A0here  ");

        Assert.Equal("many spaces here", writer.ToString());
    }

    [Fact]
    public void ParagraphBreak_RepeatedAndAtTheEdges_OneBlankLineBetweenTextOnly()
    {
        var writer = new TextBlockWriter();

        writer.ParagraphBreak();
        writer.Write("first");
        writer.ParagraphBreak();
        writer.LineBreak();
        writer.ParagraphBreak();
        writer.Space();
        writer.Write("second");
        writer.ParagraphBreak();

        Assert.Equal("first\n\nsecond", writer.ToString());
    }

    [Fact]
    public void Tab_PendingSpace_TabWinsAndBreakWinsOverBoth()
    {
        var writer = new TextBlockWriter();

        writer.Write("a");
        writer.Tab();
        writer.Space();
        writer.Write("b");
        writer.Space();
        writer.Tab();
        writer.LineBreak();
        writer.Write("c");

        Assert.Equal("a\tb\nc", writer.ToString());
    }

    [Fact]
    public void WritePreformatted_LinesKeptTrailingSpacesDroppedBlankLineKept()
    {
        var writer = new TextBlockWriter();

        writer.Write("Code:");
        writer.ParagraphBreak();
        writer.WritePreformatted("if (x)   \r\n    y();\n\n\nz();\n");
        writer.Write("after");

        Assert.Equal("Code:\n\nif (x)\n    y();\n\nz();\nafter", writer.ToString());
    }

    [Fact]
    public void WritePreformatted_RunsAroundInlineText_JoinedLikeTheyRender()
    {
        var writer = new TextBlockWriter();

        writer.WritePreformatted("let x = ");
        writer.Write("bold");
        writer.WritePreformatted(";\n    next");

        Assert.Equal("let x = bold;\n    next", writer.ToString());
    }

    [Fact]
    public void Write_SoftHyphens_Dropped()
    {
        var writer = new TextBlockWriter();

        writer.Write("\u00ADvol\u00ADca\u00ADno\u00AD \u00AD");

        Assert.Equal("volcano", writer.ToString());
    }
}
