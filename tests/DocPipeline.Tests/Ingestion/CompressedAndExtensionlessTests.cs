using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// Gzip-compressed text (<c>.txt.gz</c>, <c>.md.gz</c>, <c>.html.gz</c>, as in Debian documentation folders) is
/// decompressed, bounded by <c>DocPipeline:Limits:MaxDecompressedBytes</c>; files without an extension are read as
/// plain text when their first bytes are text, and skipped with a reason otherwise.
/// </summary>
public sealed class CompressedAndExtensionlessTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestAsync_GzipTextMarkdownAndHtml_IngestedSearchableAndFingerprintedByStoredBytes()
    {
        var text = WriteGzip("docs/tides.txt.gz", "Spring tides follow the new and the full moon.");
        var markdown = WriteGzip("docs/guide.md.gz", "# Sourdough\n\nA sourdough starter needs flour and water.");
        var html = WriteGzip("docs/index.html.gz", "<html><head><title>Lights</title></head><body><p>The lighthouse keeper climbed the stairs.</p></body></html>");
        await using var pipeline = new TestPipeline(_directory);

        var first = await pipeline.IngestAsync(_directory.File("docs"));
        var second = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.True(first.Added == 3, string.Join("; ", first.Failures.Select(f => f.Error).Concat(first.SkipReasons.Select(s => s.Reason))));
        Assert.Equal(3, second.Skipped);
        Assert.Equal(0, second.Added + second.Updated + second.Failed);
        Assert.Equal(text, await TopKeywordHitAsync(pipeline, "spring tides moon"));
        Assert.Equal(markdown, await TopKeywordHitAsync(pipeline, "sourdough starter flour"));
        Assert.Equal(html, await TopKeywordHitAsync(pipeline, "lighthouse keeper stairs"));
        var document = await pipeline.Get<IDocumentRegistry>().GetAsync(DocumentIds.FromSource(markdown));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(markdown))), document!.ContentHash);
    }

    [Fact]
    public async Task IngestAsync_GzipOverTheDecompressedLimit_FailsNamingTheLimit()
    {
        var large = WriteGzip("docs/large.txt.gz", string.Join('\n', Enumerable.Repeat("The same line of text, over and over again.", 1000)));
        _directory.Write("docs/small.txt", "A small file beside it.");
        await using var pipeline = new TestPipeline(_directory, options: o => o.Limits.MaxDecompressedBytes = 4096);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, result.Added);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(large, failure.Source);
        Assert.Contains("DocPipeline:Limits:MaxDecompressedBytes", failure.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("flipped")]
    public async Task IngestAsync_CorruptGzip_FailsWithReason(string damage)
    {
        var path = WriteGzip("docs/broken.txt.gz", string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"Line {i} of a file that will be damaged.")));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "garbage" => Encoding.UTF8.GetBytes("This was never compressed."),
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [.. bytes[..20], .. bytes[20..].Select(b => (byte)~b)],
        });
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(0, result.Added);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(path, failure.Source);
        Assert.Contains("gzip", failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_ExtensionlessTextFiles_IngestedAsPlainText()
    {
        var readme = _directory.Write("docs/README", "How to build the lighthouse simulator from source.");
        var changelog = _directory.Write("docs/changelog", "Version 2: the tide tables now cover the full moon.");
        var compressed = WriteGzip("docs/NEWS.gz", "News: the sourdough bakery opens on Monday.");
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.True(result.Added == 3, string.Join("; ", result.Failures.Select(f => f.Error).Concat(result.SkipReasons.Select(s => s.Reason))));
        Assert.Equal(readme, await TopKeywordHitAsync(pipeline, "lighthouse simulator"));
        Assert.Equal(changelog, await TopKeywordHitAsync(pipeline, "tide tables"));
        Assert.Equal(compressed, await TopKeywordHitAsync(pipeline, "bakery Monday"));
    }

    [Fact]
    public async Task IngestAsync_ExtensionlessBinaryFile_SkippedWithReason()
    {
        _directory.Write("docs/notes.txt", "Notes about tides.");
        var binary = _directory.File("docs/program");
        File.WriteAllBytes(binary, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0]);
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, result.Added);
        Assert.Equal(0, result.Failed);
        var skip = Assert.Single(result.SkipReasons);
        Assert.Equal(binary, skip.Source);
        Assert.Contains("no extension", skip.Reason, StringComparison.Ordinal);
        Assert.Contains("binary", skip.Reason, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<string?> TopKeywordHitAsync(TestPipeline pipeline, string query)
    {
        var hits = await pipeline.Pipeline.SearchAsync(query, new SearchOptions { Mode = SearchMode.Keyword, TopK = 1 });
        return hits.Count == 0 ? null : hits[0].Source;
    }

    private string WriteGzip(string relativePath, string text)
    {
        var path = _directory.File(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(Encoding.UTF8.GetBytes(text));
        return path;
    }
}
