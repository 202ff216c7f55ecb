using DocPipeline.Extraction;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Extraction;

public sealed class ExtractorResolverTests
{
    [Theory]
    [InlineData("notes.txt", typeof(PlainTextExtractor), "text/plain")]
    [InlineData("server.LOG", typeof(PlainTextExtractor), "text/plain")]
    [InlineData("table.csv", typeof(PlainTextExtractor), "text/csv")]
    [InlineData("README.md", typeof(MarkdownExtractor), "text/markdown")]
    [InlineData("guide.Markdown", typeof(MarkdownExtractor), "text/markdown")]
    [InlineData("index.html", typeof(HtmlExtractor), "text/html")]
    [InlineData("/var/www/old.HTM", typeof(HtmlExtractor), "text/html")]
    [InlineData("C:\\docs\\Report.PDF", typeof(PdfExtractor), "application/pdf")]
    [InlineData("letter.docx", typeof(DocxExtractor), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("archive.2024.final.pdf", typeof(PdfExtractor), "application/pdf")]
    public void TryResolve_BuiltInExtension_ExtractorAndMediaType(string fileName, Type extractorType, string mediaType)
    {
        var resolver = BuiltInResolver();

        Assert.True(resolver.TryResolve(fileName, out var match));
        Assert.IsType(extractorType, match.Extractor);
        Assert.Equal(mediaType, match.MediaType);
    }

    [Theory]
    [InlineData("photo.jpeg")]
    [InlineData("archive.pdf.zip")]
    [InlineData("changelog.Debian.gz")]
    [InlineData("notes.txt.gz.gz")]
    [InlineData("")]
    public void TryResolve_NoExtractorForExtension_False(string fileName)
    {
        Assert.False(BuiltInResolver().TryResolve(fileName, out var match));
        Assert.Null(match);
    }

    [Theory]
    [InlineData("notes.txt.gz", typeof(PlainTextExtractor), "text/plain")]
    [InlineData("/usr/share/doc/x/guide.md.gz", typeof(MarkdownExtractor), "text/markdown")]
    [InlineData("index.HTML.GZ", typeof(HtmlExtractor), "text/html")]
    public void TryResolve_GzipName_ExtractorOfTheInnerExtensionDecompressing(string fileName, Type extractorType, string mediaType)
    {
        Assert.True(BuiltInResolver().TryResolve(fileName, out var match));
        Assert.IsType(extractorType, match.Extractor);
        Assert.Equal(mediaType, match.MediaType);
        Assert.True(match.IsGzip);
        Assert.False(match.IsSniffed);
    }

    [Theory]
    [InlineData("README", false)]
    [InlineData("Makefile", false)]
    [InlineData("trailing.", false)]
    [InlineData("changelog.gz", true)]
    public void TryResolve_NoExtension_PlainTextOnceSniffed(string fileName, bool gzip)
    {
        Assert.True(BuiltInResolver().TryResolve(fileName, out var match));
        Assert.IsType<PlainTextExtractor>(match.Extractor);
        Assert.Equal("text/plain", match.MediaType);
        Assert.True(match.IsSniffed);
        Assert.Equal(gzip, match.IsGzip);
    }

    [Fact]
    public void TryResolve_TwoExtractorsForOneExtension_LastRegisteredWins()
    {
        var first = new StubExtractor([".md"], ["text/x-first"]);
        var second = new StubExtractor(["MD"], ["text/x-second"]);

        var resolver = new ExtractorResolver([first, second]);

        Assert.True(resolver.TryResolve("a.md", out var match));
        Assert.Same(second, match.Extractor);
        Assert.Equal("text/x-second", match.MediaType);
    }

    [Fact]
    public void TryResolve_MultiPartExtension_MatchedBeforeItsLastPart()
    {
        var gzip = new StubExtractor([".gz"], ["application/gzip"]);
        var tarball = new StubExtractor([".tar.gz"], ["application/x-tar+gzip"]);

        var resolver = new ExtractorResolver([tarball, gzip]);

        Assert.True(resolver.TryResolve("backup.tar.gz", out var tar));
        Assert.Same(tarball, tar.Extractor);
        Assert.True(resolver.TryResolve("log.gz", out var gz));
        Assert.Same(gzip, gz.Extractor);
    }

    [Fact]
    public void TryResolve_ExtractorWithoutMediaType_OctetStream()
    {
        var resolver = new ExtractorResolver([new StubExtractor([".bin"], [])]);

        Assert.True(resolver.TryResolve("x.bin", out var match));
        Assert.Equal("application/octet-stream", match.MediaType);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", typeof(HtmlExtractor))]
    [InlineData("Application/PDF", typeof(PdfExtractor))]
    [InlineData("text/csv", typeof(PlainTextExtractor))]
    public void TryResolveMediaType_KnownMediaType_ExtractorIgnoringParameters(string mediaType, Type extractorType)
    {
        Assert.True(BuiltInResolver().TryResolveMediaType(mediaType, out var match));
        Assert.IsType(extractorType, match.Extractor);
    }

    [Fact]
    public void CreateContext_Match_CarriesMediaTypeAndSource()
    {
        Assert.True(BuiltInResolver().TryResolve("a.pdf", out var match));

        var context = match.CreateContext("/data/a.pdf", "a.pdf", 1234);

        Assert.Equal("application/pdf", context.MediaType);
        Assert.Equal("/data/a.pdf", context.Source);
        Assert.Equal("a.pdf", context.FileName);
        Assert.Equal(1234, context.Length);
    }

    [Fact]
    public void AddDocPipeline_Resolver_KnowsEveryBuiltInFormat()
    {
        using var provider = new ServiceCollection().AddDocPipeline().Services.BuildServiceProvider();

        var resolver = provider.GetRequiredService<ExtractorResolver>();

        Assert.Equal(
            [".csv", ".docx", ".htm", ".html", ".log", ".markdown", ".md", ".pdf", ".text", ".txt"],
            resolver.FileExtensions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddDocPipeline_CalledTwice_EachBuiltInRegisteredOnce()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline();
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var types = provider.GetServices<IDocumentExtractor>().Select(static e => e.GetType()).ToList();

        Assert.Equal(5, types.Count);
        Assert.Equal(types.Distinct(), types);
    }

    [Fact]
    public void AddExtractor_ExtensionOfABuiltIn_OverridesItOnlyThere()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().AddExtractor<CustomMarkdownExtractor>();
        using var provider = services.BuildServiceProvider();

        var resolver = provider.GetRequiredService<ExtractorResolver>();

        Assert.True(resolver.TryResolve("a.md", out var md));
        Assert.IsType<CustomMarkdownExtractor>(md.Extractor);
        Assert.True(resolver.TryResolve("a.markdown", out var markdown));
        Assert.IsType<MarkdownExtractor>(markdown.Extractor);
        Assert.True(resolver.TryResolve("a.rst", out var rst));
        Assert.IsType<CustomMarkdownExtractor>(rst.Extractor);
    }

    [Fact]
    public void AddExtractor_Instance_Resolved()
    {
        var custom = new StubExtractor([".eml"], ["message/rfc822"]);
        var services = new ServiceCollection();
        services.AddDocPipeline().AddExtractor(custom);
        using var provider = services.BuildServiceProvider();

        Assert.True(provider.GetRequiredService<ExtractorResolver>().TryResolve("mail.eml", out var match));
        Assert.Same(custom, match.Extractor);
    }

    private static ExtractorResolver BuiltInResolver() =>
        new([new PlainTextExtractor(), new MarkdownExtractor(), new HtmlExtractor(), new PdfExtractor(), new DocxExtractor()]);

    private sealed class StubExtractor(IReadOnlyCollection<string> extensions, IReadOnlyCollection<string> mediaTypes) : IDocumentExtractor
    {
        public IReadOnlyCollection<string> MediaTypes => mediaTypes;

        public IReadOnlyCollection<string> FileExtensions => extensions;

        public Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ExtractedDocument { Sections = [new ExtractedSection("stub", null)] });
    }

    private sealed class CustomMarkdownExtractor : IDocumentExtractor
    {
        public IReadOnlyCollection<string> MediaTypes { get; } = ["text/markdown", "text/x-rst"];

        public IReadOnlyCollection<string> FileExtensions { get; } = [".md", ".rst"];

        public Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ExtractedDocument { Sections = [] });
    }
}
