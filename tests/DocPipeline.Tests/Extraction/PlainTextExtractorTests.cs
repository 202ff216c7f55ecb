using System.Text;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests.Extraction;

namespace DocPipeline.Tests.Extraction;

public sealed class PlainTextExtractorTests : DocumentExtractorSpecificationTests
{
    protected override IDocumentExtractor CreateExtractor() => new PlainTextExtractor();

    protected override byte[] CreateDocument(IReadOnlyList<string> paragraphs) => Encoding.UTF8.GetBytes(string.Join("\n\n", paragraphs));

    [Fact]
    public async Task ExtractAsync_Utf8_OneSectionWithoutPage()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes("Crème brûlée, 東京, emoji 🐝.\n\nSecond paragraph.\n"));

        var section = Assert.Single(document.Sections);
        Assert.Equal("Crème brûlée, 東京, emoji 🐝.\n\nSecond paragraph.", section.Text);
        Assert.Null(section.Page);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    [InlineData("utf-32BE")]
    public async Task ExtractAsync_ByteOrderMark_DecodedWithThatEncodingAndMarkDropped(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var content = encoding.GetPreamble().Concat(encoding.GetBytes("Tide pools hold anemones — and crabs 🦀.")).ToArray();

        var document = await ExtractAsync(content);

        Assert.Equal("Tide pools hold anemones — and crabs 🦀.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_WindowsAndOldMacLineEndings_BecomeLineFeeds()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes("one\r\ntwo\rthree\r\n\r\nfour"));

        Assert.Equal("one\ntwo\nthree\n\nfour", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_CrLfSplitBetweenReadBlocks_OneLineFeed()
    {
        var before = new string('a', StrictTextDecoder.BlockSize - 1);

        var document = await ExtractAsync(Encoding.UTF8.GetBytes(before + "\r\nb\fc\r"));

        Assert.Equal(before + "\nb\nc", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_LeadingBlankLines_Dropped()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes("\n \n\tTitle\n\nBody."));

        Assert.Equal("Title\n\nBody.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_WhitespaceOnly_EmptyDocument()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes(" \n\t\r\n  "));

        Assert.True(document.IsEmpty);
        Assert.Empty(document.Sections);
    }

    [Fact]
    public async Task ExtractAsync_NulByte_LooksLikeBinaryAndNamesOffset()
    {
        var content = Encoding.ASCII.GetBytes("MZ header then\0binary");

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("looks like binary data, not text", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 14", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_MostlyControlCharacters_LooksLikeBinary()
    {
        var content = Enumerable.Range(0, 600).Select(static i => (byte)(i % 3 == 0 ? 'a' : 1 + (i % 7))).ToArray();

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("looks like binary data, not text", error.Message, StringComparison.Ordinal);
        Assert.Contains("control characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_Utf16WithoutByteOrderMark_BinaryWithHint()
    {
        var content = Encoding.Unicode.GetBytes("Plain English text saved as UTF-16 with no mark.");

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("looks like binary data, not text", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-16 text without a byte order mark", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_NulByteAfterFirstBlock_LooksLikeBinaryAndNamesOffset()
    {
        var content = Encoding.ASCII.GetBytes(new string('a', 100_000));
        content[90_000] = 0;

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(new NonSeekableStream(content), null));

        Assert.Contains("looks like binary data, not text", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 90000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_Latin1Text_InvalidUtf8NamingTheByteAndItsOffset()
    {
        var content = Encoding.Latin1.GetBytes("Café au lait");

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte 0xE9 at byte offset 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_InvalidByteInALaterBlock_OffsetCountsFromFileStart()
    {
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("ünïcödé text ", 20_000)));
        var offset = 200_001;
        content[offset] = 0xFF;

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(new NonSeekableStream(content, maxReadSize: 1000), null));

        Assert.Contains($"byte offset {offset}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_EndsInTheMiddleOfACharacter_SaysSo()
    {
        var content = Encoding.UTF8.GetBytes("Bees 🐝")[..^2];

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("ends in the middle of a character (byte offset 5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_UnpairedSurrogateInUtf16_Error()
    {
        var content = new byte[] { 0xFF, 0xFE, (byte)'a', 0, 0x00, 0xD8, (byte)'b', 0 };

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("not valid utf-16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_CharacterSplitAcrossReadBlocks_DecodedWhole()
    {
        var prefix = new string('x', StrictTextDecoder.BlockSize - 2);
        var content = Encoding.UTF8.GetBytes(prefix + "🐝 honey");

        var document = await ExtractAsync(new NonSeekableStream(content, maxReadSize: 777), null);

        Assert.Equal(prefix + "🐝 honey", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task ExtractAsync_FiveMegabyteSingleLine_ReadWholeFromANonSeekableStream()
    {
        var line = string.Concat(Enumerable.Range(0, 700_000).Select(static i => i % 2 == 0 ? "lighthouse " : "keeper "));
        Assert.True(line.Length > 5_000_000);
        var content = Encoding.UTF8.GetBytes(line);

        var document = await ExtractAsync(new NonSeekableStream(content, maxReadSize: 65_536), null);

        Assert.Equal(line.TrimEnd(), Assert.Single(document.Sections).Text);
    }
}
