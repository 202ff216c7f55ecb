using System.Security.Cryptography;
using DocPipeline.Extraction;
using Xunit;

namespace DocPipeline.Specification.Tests.Extraction;

/// <summary>
/// The contract every <see cref="IDocumentExtractor"/> keeps. A test class for an extractor inherits this suite and
/// supplies the extractor and a way to write a document of its format.
/// </summary>
public abstract class DocumentExtractorSpecificationTests
{
    /// <summary>Creates the extractor under test.</summary>
    protected abstract IDocumentExtractor CreateExtractor();

    /// <summary>Creates a document in the extractor's format whose text holds each paragraph, in order.</summary>
    protected abstract byte[] CreateDocument(IReadOnlyList<string> paragraphs);

    [Fact]
    public void FileExtensionsAndMediaTypes_AreDeclared_StartWithADot()
    {
        var extractor = CreateExtractor();

        Assert.NotEmpty(extractor.FileExtensions);
        Assert.NotEmpty(extractor.MediaTypes);
        Assert.All(extractor.FileExtensions, static e => Assert.StartsWith(".", e, StringComparison.Ordinal));
        Assert.All(extractor.MediaTypes, static m => Assert.Contains("/", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExtractAsync_Document_TextHoldsEveryParagraphInOrderSeparatedByBlankLines()
    {
        string[] paragraphs = ["The keeper trims the wick at dusk.", "Fog rolls in from the harbour.", "The lamp turns all night."];

        var document = await ExtractAsync(CreateDocument(paragraphs));

        var text = string.Join("\n\n", document.Sections.Select(static s => s.Text));
        var positions = paragraphs.Select(p => text.IndexOf(p, StringComparison.Ordinal)).ToList();
        Assert.All(positions, static p => Assert.True(p >= 0));
        Assert.Equal(positions.Order(), positions);
        for (var i = 1; i < paragraphs.Length; i++)
        {
            var between = text[(positions[i - 1] + paragraphs[i - 1].Length)..positions[i]];
            Assert.Contains("\n\n", between, StringComparison.Ordinal);
        }

        Assert.False(document.IsEmpty);
    }

    [Fact]
    public async Task ExtractAsync_ZeroBytes_EmptyDocument()
    {
        var document = await ExtractAsync([]);

        Assert.True(document.IsEmpty);
    }

    [Fact]
    public async Task ExtractAsync_NonSeekableStream_SameAsSeekable()
    {
        var content = CreateDocument(["Read from a stream that cannot seek.", "Second paragraph."]);

        var seekable = await ExtractAsync(content);
        var streamed = await ExtractAsync(new NonSeekableStream(content), content.Length);

        Assert.Equal(seekable.Sections, streamed.Sections);
        Assert.Equal(seekable.Metadata, streamed.Metadata);
    }

    [Fact]
    public async Task ExtractAsync_CallerStream_LeftOpen()
    {
        using var stream = new MemoryStream(CreateDocument(["The caller owns the stream."]));

        await CreateExtractor().ExtractAsync(stream, Context(stream.Length));

        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task ExtractAsync_RandomBytes_DocumentExtractionException()
    {
        var garbage = RandomNumberGenerator.GetBytes(20_000);
        garbage[100] = 0;

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(garbage));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task ExtractAsync_TruncatedOrCorruptedCopies_ReadOrDocumentExtractionExceptionNeverAnotherException()
    {
        var whole = CreateDocument(["A document that will be damaged in many ways.", "Its second paragraph."]);
        var random = new Random(20260101);

        for (var i = 0; i < 40; i++)
        {
            var truncated = whole[..random.Next(1, whole.Length)];
            var corrupted = (byte[])whole.Clone();
            corrupted[random.Next(corrupted.Length)] ^= (byte)random.Next(1, 256);
            foreach (var damaged in (byte[][])[truncated, corrupted])
            {
                var exception = await Record.ExceptionAsync(() => ExtractAsync(damaged));

                Assert.True(exception is null or DocumentExtractionException, $"damaged copy {i}: {exception}");
            }
        }
    }

    [Fact]
    public async Task ExtractAsync_CanceledToken_OperationCanceledException()
    {
        using var stream = new MemoryStream(CreateDocument(["Never read."]));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CreateExtractor().ExtractAsync(stream, Context(stream.Length), new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task ExtractAsync_ConcurrentCalls_SameResultEach()
    {
        var extractor = CreateExtractor();
        var content = CreateDocument(["Many jobs share one extractor.", "Each call stands alone."]);
        var expected = await ExtractAsync(content);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            extractor.ExtractAsync(new MemoryStream(content), Context(content.Length)))));

        Assert.All(results, r => Assert.Equal(expected.Sections, r.Sections));
    }

    /// <summary>Extracts <paramref name="content"/> with a fresh extractor, from a seekable stream.</summary>
    protected Task<ExtractedDocument> ExtractAsync(byte[] content) => ExtractAsync(new MemoryStream(content), content.Length);

    /// <summary>Extracts <paramref name="content"/> with a fresh extractor.</summary>
    protected Task<ExtractedDocument> ExtractAsync(Stream content, long? length) =>
        CreateExtractor().ExtractAsync(content, Context(length));

    /// <summary>Creates a context for the extractor's first extension and media type.</summary>
    protected ExtractionContext Context(long? length)
    {
        var extractor = CreateExtractor();
        var extension = extractor.FileExtensions.First();
        return new ExtractionContext
        {
            Source = "/specification/document" + extension,
            FileName = "document" + extension,
            MediaType = extractor.MediaTypes.First(),
            Length = length,
        };
    }
}
