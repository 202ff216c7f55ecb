using System.Buffers;
using DocPipeline.Chunking;
using DocPipeline.Extraction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Tests.Chunking;

public sealed class ChunkingBuilderExtensionsTests
{
    [Fact]
    public void AddDocPipeline_Defaults_ResolvesTheTokenAwareChunkerCountingBertTokens()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options => options.Chunking.OverlapTokens = 0);
        using var provider = services.BuildServiceProvider();

        var chunker = provider.GetRequiredService<IChunker>();
        var chunks = chunker.Chunk(new ExtractedDocument { Sections = [new ExtractedSection("Counting word pieces.", null)] });

        Assert.IsType<TokenAwareChunker>(chunker);
        Assert.Equal(4, Assert.Single(chunks).TokenCount); // counting word pieces .
    }

    [Fact]
    public void UseTokenizer_CustomTokenizer_ChunkerCountsWithIt()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().UseTokenizer(new CharacterTokenizer());
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var chunks = provider.GetRequiredService<IChunker>().Chunk(new ExtractedDocument { Sections = [new ExtractedSection("abc def", null)] });

        Assert.Equal(7, Assert.Single(chunks).TokenCount);
    }

    [Fact]
    public void UseChunker_CustomChunker_ReplacesTheBuiltInOne()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().UseChunker<NoChunker>();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<NoChunker>(provider.GetRequiredService<IChunker>());
    }

    private sealed class NoChunker : IChunker
    {
        public IReadOnlyList<TextChunk> Chunk(ExtractedDocument document) => [];
    }

    /// <summary>One token per character, white space included.</summary>
    private sealed class CharacterTokenizer : Tokenizer
    {
        protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
        {
            var span = text is null ? textSpan : text.AsSpan();
            var tokens = new List<EncodedToken>();
            for (var i = 0; i < span.Length; i++)
            {
                tokens.Add(new EncodedToken(span[i], span[i].ToString(), new Range(i, i + 1)));
            }

            return new EncodeResults<EncodedToken> { Tokens = tokens, CharsConsumed = span.Length };
        }

        public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
        {
            idsConsumed = charsWritten = 0;
            foreach (var id in ids)
            {
                if (charsWritten == destination.Length)
                {
                    return OperationStatus.DestinationTooSmall;
                }

                destination[charsWritten++] = (char)id;
                idsConsumed++;
            }

            return OperationStatus.Done;
        }
    }
}
