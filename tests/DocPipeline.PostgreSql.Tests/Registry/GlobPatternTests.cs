using DocPipeline.PostgreSql.Registry;

namespace DocPipeline.PostgreSql.Tests.Registry;

/// <summary>Document filters mean on PostgreSQL what SQLite's GLOB means in the embedded registry.</summary>
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*.pdf", "/docs/report.pdf", true)]
    [InlineData("*.pdf", "/docs/report.pdf.txt", false)]
    [InlineData("*.PDF", "/docs/report.pdf", false)]
    [InlineData("doc-?", "doc-7", true)]
    [InlineData("doc-?", "doc-17", false)]
    [InlineData("doc-[0-3]", "doc-2", true)]
    [InlineData("doc-[0-3]", "doc-5", false)]
    [InlineData("doc-[^0-3]", "doc-5", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("a.b", "a.b", true)]
    [InlineData("(x)+{1}|$^", "(x)+{1}|$^", true)]
    [InlineData(@"C:\docs\*", @"C:\docs\a.txt", true)]
    [InlineData("[unclosed", "[unclosed", true)]
    [InlineData("*", "line one\nline two", true)]
    public async Task ToRegex_OnTheServer_MatchesLikeGlob(string glob, string text, bool expected)
    {
        PostgreSqlTestServer.SkipIfUnavailable();

        var matched = await PostgreSqlTestServer.ScalarAsync("SELECT @text ~ @pattern;", ("text", text), ("pattern", GlobPattern.ToRegex(glob)));

        Assert.Equal(expected, matched);
    }
}
