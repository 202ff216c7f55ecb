using System.Text;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// The limits of one document (<c>DocPipeline:Limits</c>, issue 12 item 8): a document over one fails its own job at
/// once, with the limit named, having written nothing; the other documents of the batch are indexed.
/// </summary>
public sealed class DocumentLimitsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public static TheoryData<string, string> Breaches() => new()
    {
        { "big.txt", nameof(DocumentLimitsOptions.MaxExtractedTextBytes) },
        { "big.md", nameof(DocumentLimitsOptions.MaxExtractedTextBytes) },
        { "big.html", nameof(DocumentLimitsOptions.MaxExtractedTextBytes) },
        { "many.txt", nameof(DocumentLimitsOptions.MaxChunksPerDocument) },
        { "bomb.docx", nameof(DocumentLimitsOptions.MaxDecompressedBytes) },
    };

    /// <param name="fileName">The document that breaks the limit.</param>
    /// <param name="limit">The limit it breaks.</param>
    [Theory]
    [MemberData(nameof(Breaches))]
    public async Task Ingest_DocumentOverALimit_FailsAtOnceNamingTheLimitAndTheRestIsIndexed(string fileName, string limit)
    {
        _directory.Write("docs/small.txt", "A short note about otters.");
        var path = _directory.File("docs/" + fileName);
        var bigText = string.Join("\n\n", Enumerable.Repeat("Twenty thousand leagues under the sea, and then some more words.", 200));
        switch (fileName)
        {
            case "big.html":
                File.WriteAllText(path, $"<html><body><p>{bigText.Replace("\n\n", "</p><p>", StringComparison.Ordinal)}</p></body></html>");
                break;
            case "bomb.docx":
                File.WriteAllBytes(path, TestDocuments.Docx(Enumerable.Repeat("The same paragraph, again and again, compresses very well.", 2000)));
                break;
            default:
                File.WriteAllText(path, bigText);
                break;
        }

        await using var pipeline = new TestPipeline(_directory, options: o =>
        {
            o.Queue.MaxAttempts = 3;
            o.Limits.MaxExtractedTextBytes = 4096;
            o.Limits.MaxChunksPerDocument = fileName == "many.txt" ? 3 : 1000;
            o.Limits.MaxDecompressedBytes = 64 * 1024;
            if (fileName == "many.txt")
            {
                o.Limits.MaxExtractedTextBytes = 1024 * 1024;
            }
        });

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(1, result.Added);
        Assert.Equal(1, result.Failed);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(path, failure.Source);
        Assert.Contains("DocPipeline:Limits:" + limit, failure.Error, StringComparison.Ordinal);
        var document = await pipeline.Get<IDocumentRegistry>().GetAsync(DocumentIds.FromSource(path));
        Assert.True(document is null or { PendingVersion: null, Version: 0 }, "a document over a limit staged a version");
        Assert.Equal(0, (await pipeline.Get<IDocPipeline>().GetQueueStatusAsync()).Pending);
    }

    [Fact]
    public async Task ExtractAsync_PlainTextOverTheTextLimit_StopsReadingEarly()
    {
        var content = new CountingStream(Encoding.UTF8.GetBytes(new string('a', 8 * 1024 * 1024)));
        var context = new ExtractionContext { Source = "big.txt", FileName = "big.txt", MediaType = "text/plain", MaxTextBytes = 4096 };

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => new PlainTextExtractor().ExtractAsync(content, context));

        Assert.Contains("DocPipeline:Limits:MaxExtractedTextBytes", error.Message, StringComparison.Ordinal);
        Assert.InRange(content.BytesRead, 1, 256 * 1024);
    }

    [Fact]
    public async Task ExtractAsync_DocxDecompressingPastTheLimit_Refused()
    {
        var docx = TestDocuments.Docx(Enumerable.Repeat("The same paragraph, again and again, compresses very well.", 2000));
        var context = new ExtractionContext { Source = "bomb.docx", FileName = "bomb.docx", MediaType = KnownMediaTypes.Docx, MaxDecompressedBytes = 64 * 1024 };

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => new DocxExtractor().ExtractAsync(new MemoryStream(docx), context));
        var withinLimit = await new DocxExtractor().ExtractAsync(new MemoryStream(docx), new ExtractionContext
        {
            Source = "bomb.docx", FileName = "bomb.docx", MediaType = KnownMediaTypes.Docx, MaxDecompressedBytes = 64L * 1024 * 1024,
        });

        Assert.True(docx.Length < 64 * 1024, $"the test package is {docx.Length} bytes, not smaller than the limit");
        Assert.Contains("DocPipeline:Limits:MaxDecompressedBytes", error.Message, StringComparison.Ordinal);
        Assert.False(withinLimit.IsEmpty);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>A read-only stream over bytes that counts how many were read.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Counted(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(base.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await base.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await base.ReadAsync(buffer, offset, count, cancellationToken));

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
