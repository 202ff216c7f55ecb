using System.Numerics.Tensors;
using DocPipeline.Chunking;
using DocPipeline.Extraction;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Onnx.Tests;

public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public async Task GenerateAsync_Texts_384DimensionUnitVectorsWithModelId()
    {
        var embeddings = await fixture.Generator.GenerateAsync(["A cat sits on the mat.", string.Empty, "中文 😀"]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, embedding =>
        {
            Assert.Equal(384, embedding.Vector.Length);
            Assert.Equal(1.0, Math.Sqrt(TensorPrimitives.SumOfSquares(embedding.Vector.Span)), 4);
            Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", embedding.ModelId);
        });
    }

    [Fact]
    public void Metadata_DescribesTheModel()
    {
        var metadata = fixture.Generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Equal("onnx", metadata.ProviderName);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
    }

    [Fact]
    public async Task GenerateAsync_Paraphrase_ScoresHigherThanAnUnrelatedSentence()
    {
        var embeddings = await fixture.Generator.GenerateAsync([
            "How do I reset my password?",
            "What are the steps to change my login password?",
            "The recipe needs two cups of flour and an egg.",
        ]);

        var paraphrase = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        Assert.True(paraphrase > unrelated + 0.3, $"paraphrase {paraphrase}, unrelated {unrelated}");
    }

    [Fact]
    public async Task GenerateAsync_Batch_SameVectorsAsOneByOne()
    {
        string[] texts = ["short", "A somewhat longer sentence about vector indexes and keyword search.", "Third one.\nWith a line break.", "x"];

        var batch = await fixture.Generator.GenerateAsync(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var single = await fixture.Generator.GenerateVectorAsync(texts[i]);
            Assert.True(TensorPrimitives.CosineSimilarity(batch[i].Vector.Span, single.Span) > 0.9999, $"text {i} differs");
        }
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCalls_SameVectorsAsSequential()
    {
        var texts = Enumerable.Range(0, 12).Select(i => $"Document number {i} talks about topic {i * 7 % 5}.").ToArray();
        var sequential = await fixture.Generator.GenerateAsync(texts);

        var concurrent = await Task.WhenAll(texts.Select(text => Task.Run(() => fixture.Generator.GenerateVectorAsync(text))));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(sequential[i].Vector.Span, concurrent[i].Span) > 0.9999, $"text {i} differs");
        }
    }

    [Fact]
    public async Task GenerateAsync_CancelledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Generator.GenerateAsync(["a", "b"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensionsRequested_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 128 }));
    }

    [Fact]
    public void Constructor_NoCallYet_DoesNotLoadTheModel()
    {
        using var generator = new MiniLmEmbeddingGenerator(batchSize: 4);

        Assert.False(generator.IsModelLoaded);
    }

    [Fact]
    public void RawPackage_TruncationLength_Is512TokensIncludingClsWithSepDropped()
    {
        // [CLS] + 510 words + suffix = 512 ids: the suffix is read (the [SEP] is the one cut off).
        Assert.False(SuffixIgnored(fixture.Encoder.Encode, 510));

        // [CLS] + 511 words + suffix = 513 ids: the suffix is cut off.
        Assert.True(SuffixIgnored(fixture.Encoder.Encode, 511));
    }

    [Fact]
    public void Generator_TruncationLength_Is256TokensIncludingClsAndSep()
    {
        float[][] Encode(string[] texts, CancellationToken token) =>
            fixture.Generator.GenerateAsync(texts, cancellationToken: token).GetAwaiter().GetResult().Select(e => e.Vector.ToArray()).ToArray();

        Assert.False(SuffixIgnored(Encode, 253)); // 253 words + suffix = 254 pieces + [CLS] + [SEP] = 256
        Assert.True(SuffixIgnored(Encode, 254));
    }

    [Fact]
    public async Task Chunks_FilledToTheLimit_ModelReadsTheirLastWord()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(options =>
        {
            options.Chunking.TargetTokens = 256;
            options.Chunking.MaxTokens = 256;
            options.Chunking.OverlapTokens = 0;
        });
        using var provider = services.BuildServiceProvider();
        var random = new Random(3);
        var paragraphs = Enumerable.Range(0, 40).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(200, 300)).Select(i => i % 9 == 0 ? "naïve" : "vector")));
        var chunks = provider.GetRequiredService<IChunker>().Chunk(new ExtractedDocument { Sections = [new ExtractedSection(string.Join("\n\n", paragraphs), null)] });
        var fullest = chunks.MaxBy(chunk => chunk.TokenCount)!;
        Assert.InRange(fullest.TokenCount, 250, 254);
        var lastWord = fullest.Text.LastIndexOf(' ') + 1;

        var original = await fixture.Generator.GenerateVectorAsync(fullest.Text);
        var lastWordChanged = await fixture.Generator.GenerateVectorAsync(fullest.Text[..lastWord] + "volcano");

        Assert.False(original.Span.SequenceEqual(lastWordChanged.Span), "the model did not read the chunk's last word");
    }

    [Fact]
    public async Task UseMiniLmEmbeddings_AfterAnotherGenerator_ReplacesIt()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().UseHashingEmbeddings().UseMiniLmEmbeddings(options => options.BatchSize = 4);
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.IsType<MiniLmEmbeddingGenerator>(generator);
        Assert.False(((MiniLmEmbeddingGenerator)generator).IsModelLoaded);
    }

    [Fact]
    public void AddMiniLmEmbeddingGenerator_ExistingGenerator_KeepsIt()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().UseHashingEmbeddings();
        services.AddMiniLmEmbeddingGenerator();
        using var provider = services.BuildServiceProvider();

        Assert.IsNotType<MiniLmEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    /// <summary>Embeds a run of one-piece words followed by two different suffixes; equal vectors mean the suffix was cut off.</summary>
    private static bool SuffixIgnored(Func<string[], CancellationToken, float[][]> encode, int words)
    {
        var prefix = string.Join(' ', Enumerable.Repeat("cat", words));
        var vectors = encode([prefix + " apple", prefix + " volcano"], CancellationToken.None);
        return vectors[0].AsSpan().SequenceEqual(vectors[1]);
    }
}
