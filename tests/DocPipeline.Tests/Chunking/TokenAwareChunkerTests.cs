using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Tests.Chunking;

public sealed class TokenAwareChunkerTests
{
    private static readonly BertTokenizer Tokenizer = BertUncasedTokenizer.Create();

    public static TheoryData<string, string> VariedTexts => new()
    {
        { "prose", ChunkingTestTexts.Prose(60, 1) },
        { "code", ChunkingTestTexts.Code(25, 2) },
        { "cjk", ChunkingTestTexts.Cjk(30, 3) },
        { "emoji", ChunkingTestTexts.Emoji(30, 4) },
        { "single line with punctuation", ChunkingTestTexts.SingleLine(200_000, 5) },
        { "single huge word", new string('x', 100_000) },
        { "long sentence without a stop", string.Join(' ', Enumerable.Repeat("internationalization", 3_000)) },
        { "one paragraph of many lines", string.Join('\n', Enumerable.Range(0, 2_000).Select(i => $"line {i}: value={i * 7}")) },
        { "windows line endings", ChunkingTestTexts.Prose(30, 6).Replace("\n", "\r\n", StringComparison.Ordinal) },
        { "form feeds and tabs", ChunkingTestTexts.Prose(30, 7).Replace("\n\n", "\f\t", StringComparison.Ordinal) },
        { "accents and special-token text", string.Concat(Enumerable.Repeat("Ünïcödé [CLS] café [SEP] naïve [MASK] résumé. ", 400)) },
        { "surrogate pairs without spaces", string.Concat(Enumerable.Repeat("😀a🎉b👩‍💻", 20_000)) },
    };

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\n\t \r\n\f")]
    public void Chunk_EmptyOrWhiteSpaceText_ReturnsNoChunks(string text)
    {
        var chunks = CreateChunker(new ChunkingOptions()).Chunk(Document(text));

        Assert.Empty(chunks);
    }

    [Fact]
    public void Chunk_NoSections_ReturnsNoChunks()
    {
        var chunks = CreateChunker(new ChunkingOptions()).Chunk(new ExtractedDocument { Sections = [] });

        Assert.Empty(chunks);
    }

    [Theory]
    [MemberData(nameof(VariedTexts))]
    public void Chunk_VariedTexts_NoChunkExceedsMaxTokensAndCountsAreExact(string kind, string text)
    {
        var options = new ChunkingOptions();
        var document = Document(text);

        var chunks = CreateChunker(options).Chunk(document);

        Assert.NotEmpty(chunks);
        AssertWellFormed(document, chunks, options, kind);
    }

    [Theory]
    [MemberData(nameof(VariedTexts))]
    public void Chunk_SmallLimits_NoChunkExceedsMaxTokens(string kind, string text)
    {
        var options = new ChunkingOptions { TargetTokens = 16, MaxTokens = 20, OverlapTokens = 6 };
        var document = Document(text[..Math.Min(text.Length, 20_000)]);

        var chunks = CreateChunker(options).Chunk(document);

        AssertWellFormed(document, chunks, options, kind);
    }

    [Fact]
    public void Chunk_FiveMegabyteLineWithoutSpaces_SplitsIntoPiecesThatFit()
    {
        var options = new ChunkingOptions();
        var document = Document(ChunkingTestTexts.SingleLine(5 * 1024 * 1024, 11));

        var chunks = CreateChunker(options).Chunk(document);

        Assert.True(chunks.Count > 1000, $"only {chunks.Count} chunks");
        Assert.All(chunks, chunk => Assert.True(chunk.TokenCount + 2 <= options.MaxTokens, $"chunk {chunk.Ordinal} has {chunk.TokenCount} tokens"));
        foreach (var chunk in chunks.Where((_, i) => i % 97 == 0))
        {
            Assert.Equal(chunk.TokenCount, Tokenizer.CountTokens(chunk.Text));
        }

        Assert.Equal(0, chunks[0].StartOffset);
        Assert.Equal(5 * 1024 * 1024, chunks[^1].EndOffset);
    }

    [Fact]
    public void Chunk_Prose_ChunksStartWithBoundedOverlapOfThePreviousChunk()
    {
        var options = new ChunkingOptions();
        var document = Document(ChunkingTestTexts.Prose(200, 8));
        var text = TokenAwareChunker.JoinSections(document.Sections, out _);

        var chunks = CreateChunker(options).Chunk(document);

        var withOverlap = 0;
        for (var i = 1; i < chunks.Count; i++)
        {
            var overlapStart = chunks[i].EndOffset - chunks[i].Text.Length;
            Assert.InRange(overlapStart, chunks[i - 1].StartOffset, chunks[i].StartOffset);
            if (overlapStart < chunks[i].StartOffset)
            {
                withOverlap++;
                var overlap = text[overlapStart..chunks[i - 1].EndOffset];
                Assert.EndsWith(overlap, chunks[i - 1].Text, StringComparison.Ordinal);
                Assert.InRange(Tokenizer.CountTokens(overlap), 1, options.OverlapTokens);
            }
        }

        Assert.True(withOverlap > chunks.Count * 0.9, $"{withOverlap} of {chunks.Count} chunks have an overlap");
    }

    [Fact]
    public void Chunk_ZeroOverlap_ChunkTextIsItsOwnPart()
    {
        var document = Document(ChunkingTestTexts.Prose(50, 9));

        var chunks = CreateChunker(new ChunkingOptions { OverlapTokens = 0 }).Chunk(document);

        Assert.All(chunks, chunk => Assert.Equal(chunk.EndOffset - chunk.StartOffset, chunk.Text.Length));
    }

    [Fact]
    public void Chunk_Prose_ChunksAimAtTheTarget()
    {
        var options = new ChunkingOptions();

        var chunks = CreateChunker(options).Chunk(Document(ChunkingTestTexts.Prose(400, 10)));

        var ownTokens = chunks.Select(chunk => Tokenizer.CountTokens(chunk.Text.AsSpan(chunk.Text.Length - (chunk.EndOffset - chunk.StartOffset)))).ToList();
        Assert.All(ownTokens, tokens => Assert.True(tokens <= options.TargetTokens, $"own part of {tokens} tokens"));
        Assert.InRange(ownTokens.Average(), options.TargetTokens * 0.45, options.TargetTokens);
    }

    [Fact]
    public void Chunk_Sections_PageIsThePageOfTheChunkStartAndOffsetsSpanTheJoinedText()
    {
        var sections = Enumerable.Range(1, 12).Select(page => new ExtractedSection(ChunkingTestTexts.Prose(6, page), page)).ToList();
        sections.Insert(3, new ExtractedSection(string.Empty, 99));
        var document = new ExtractedDocument { Sections = sections };
        var sectionStarts = new List<int>();
        var offset = 0;
        foreach (var section in sections)
        {
            sectionStarts.Add(offset);
            offset += section.Text.Length + 2;
        }

        var chunks = CreateChunker(new ChunkingOptions()).Chunk(document);

        AssertWellFormed(document, chunks, new ChunkingOptions(), "pages");
        foreach (var chunk in chunks)
        {
            var section = sectionStarts.FindLastIndex(start => start <= chunk.StartOffset);
            Assert.Equal(sections[section].Page, chunk.Page);
        }

        Assert.Contains(chunks, chunk => chunk.Page == 12);
        Assert.DoesNotContain(chunks, chunk => chunk.Page == 99);
    }

    [Fact]
    public void Chunk_NoPages_PageIsNull()
    {
        var chunks = CreateChunker(new ChunkingOptions()).Chunk(Document(ChunkingTestTexts.Prose(20, 12)));

        Assert.All(chunks, chunk => Assert.Null(chunk.Page));
    }

    [Fact]
    public void Chunk_SameDocumentTwice_SameChunks()
    {
        var document = Document(ChunkingTestTexts.Prose(100, 13) + "\n\n" + ChunkingTestTexts.Code(10, 13) + "\n\n" + ChunkingTestTexts.Cjk(10, 13));

        var first = CreateChunker(new ChunkingOptions()).Chunk(document);
        var second = new TokenAwareChunker(BertUncasedTokenizer.Create(), new ChunkingOptions()).Chunk(document);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Chunk_ShortDocument_OneChunkWithTheWholeText()
    {
        var chunks = CreateChunker(new ChunkingOptions()).Chunk(Document("  Hello, world.\n\nA second paragraph.  "));

        var chunk = Assert.Single(chunks);
        Assert.Equal(new TextChunk(0, "Hello, world.\n\nA second paragraph.", 2, 36, null, 8), chunk);
    }

    private static TokenAwareChunker CreateChunker(ChunkingOptions options) => new(Tokenizer, options);

    private static ExtractedDocument Document(string text) => new() { Sections = [new ExtractedSection(text, null)] };

    /// <summary>Checks every promise the chunker makes about its chunks.</summary>
    internal static void AssertWellFormed(ExtractedDocument document, IReadOnlyList<TextChunk> chunks, ChunkingOptions options, string kind)
    {
        var text = TokenAwareChunker.JoinSections(document.Sections, out _);
        var previousEnd = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(i, chunk.Ordinal);
            Assert.True(chunk.StartOffset < chunk.EndOffset, $"{kind}: chunk {i} is empty");
            Assert.True(string.IsNullOrWhiteSpace(text[previousEnd..chunk.StartOffset]), $"{kind}: text between chunks {i - 1} and {i} is not white space");
            Assert.EndsWith(text[chunk.StartOffset..chunk.EndOffset], chunk.Text, StringComparison.Ordinal);
            Assert.Equal(text.Substring(chunk.EndOffset - chunk.Text.Length, chunk.Text.Length), chunk.Text);
            var tokens = Tokenizer.CountTokens(chunk.Text);
            Assert.True(tokens + TokenAwareChunker.SpecialTokens <= options.MaxTokens, $"{kind}: chunk {i} has {tokens} tokens");
            Assert.Equal(tokens, chunk.TokenCount);
            previousEnd = chunk.EndOffset;
        }

        Assert.True(string.IsNullOrWhiteSpace(text[previousEnd..]), $"{kind}: text after the last chunk is not white space");
    }
}
