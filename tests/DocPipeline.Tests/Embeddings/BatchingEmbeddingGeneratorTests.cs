using DocPipeline.Embeddings;
using Microsoft.Extensions.AI;

namespace DocPipeline.Tests.Embeddings;

public sealed class BatchingEmbeddingGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_JobsWaitingWhileACallRuns_ShareTheNextCall()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 64, maxConcurrentCalls: 1);
        var first = generator.GenerateAsync(Texts("first", 5));
        Assert.Equal(5, (await inner.WaitForCallAsync(0)).Length);

        // Seven more jobs ask for 5 chunks each while the first call runs.
        var waiting = Enumerable.Range(0, 7).Select(job => generator.GenerateAsync(Texts($"job{job}", 5))).ToList();
        var eighth = generator.GenerateAsync(Texts("job7", 5));
        inner.Release(0);
        var second = await inner.WaitForCallAsync(1);
        inner.Release(1);

        Assert.Equal(40, second.Length);
        AssertRoutedTo("first", 5, await first);
        for (var job = 0; job < 7; job++)
        {
            AssertRoutedTo($"job{job}", 5, await waiting[job]);
        }

        AssertRoutedTo("job7", 5, await eighth);
        Assert.Equal(2, inner.Calls.Count);
    }

    [Fact]
    public async Task GenerateAsync_MoreTextsThanABatch_SplitsIntoCallsOfBatchSizeInOrder()
    {
        using var inner = new GatedEmbeddingGenerator();
        inner.ReleaseAll();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 64, maxConcurrentCalls: 1);

        var result = await generator.GenerateAsync(Texts("big", 150));

        AssertRoutedTo("big", 150, result);
        Assert.Equal([64, 64, 22], inner.Calls.Select(call => call.Length));
    }

    [Fact]
    public async Task GenerateAsync_ManyWaitingJobs_NoCallExceedsTheBatchSize()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 16, maxConcurrentCalls: 1);
        var first = generator.GenerateAsync(Texts("first", 1));
        await inner.WaitForCallAsync(0);
        var jobs = Enumerable.Range(0, 10).Select(job => generator.GenerateAsync(Texts($"job{job}", 7))).ToList();
        inner.ReleaseAll();

        await first;
        for (var job = 0; job < 10; job++)
        {
            AssertRoutedTo($"job{job}", 7, await jobs[job]);
        }

        Assert.All(inner.Calls, call => Assert.InRange(call.Length, 1, 16));
        Assert.Equal(71, inner.Calls.Sum(call => call.Length));
        Assert.Equal(6, inner.Calls.Count); // 1, then 70 texts in calls of at most 16
    }

    [Fact]
    public async Task GenerateAsync_OneCallerCancels_OthersGetTheirEmbeddings()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 64, maxConcurrentCalls: 1);
        var first = generator.GenerateAsync(Texts("first", 3));
        await inner.WaitForCallAsync(0);
        using var cancellation = new CancellationTokenSource();
        var cancelled = generator.GenerateAsync(Texts("cancelled", 4), cancellationToken: cancellation.Token);
        var other = generator.GenerateAsync(Texts("other", 2));

        await cancellation.CancelAsync();
        inner.Release(0);
        var second = await inner.WaitForCallAsync(1);
        inner.Release(1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        AssertRoutedTo("first", 3, await first);
        AssertRoutedTo("other", 2, await other);
        Assert.Equal(Texts("other", 2), second);
    }

    [Fact]
    public async Task GenerateAsync_CallerCancelsWhileItsTextsAreInFlight_CallStillServesTheOthers()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 64, maxConcurrentCalls: 1);
        using var cancellation = new CancellationTokenSource();
        var cancelled = generator.GenerateAsync(Texts("cancelled", 3), cancellationToken: cancellation.Token);
        await inner.WaitForCallAsync(0);

        await cancellation.CancelAsync();
        var other = generator.GenerateAsync(Texts("other", 2));
        inner.Release(0);
        await inner.WaitForCallAsync(1);
        inner.Release(1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        AssertRoutedTo("other", 2, await other);
    }

    [Fact]
    public async Task GenerateAsync_EmbedderThrows_FailsOnlyTheCallersInThatCall()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 4, maxConcurrentCalls: 1);
        var first = generator.GenerateAsync(Texts("first", 1));
        await inner.WaitForCallAsync(0);
        var failing = new[] { generator.GenerateAsync(Texts("a", 2)), generator.GenerateAsync(Texts("b", 2)) };
        var later = generator.GenerateAsync(Texts("later", 3));
        inner.Release(0);
        await inner.WaitForCallAsync(1);
        var error = new InvalidOperationException("embedder is down");
        inner.Release(1, error);
        await inner.WaitForCallAsync(2);
        inner.Release(2);

        AssertRoutedTo("first", 1, await first);
        foreach (var task in failing)
        {
            Assert.Same(error, await Assert.ThrowsAsync<InvalidOperationException>(() => task));
        }

        AssertRoutedTo("later", 3, await later);
    }

    [Fact]
    public async Task GenerateAsync_DifferentOptions_NeverShareACall()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 64, maxConcurrentCalls: 1);
        var small = new EmbeddingGenerationOptions { Dimensions = 8 };
        var first = generator.GenerateAsync(Texts("first", 1));
        await inner.WaitForCallAsync(0);
        var plain = generator.GenerateAsync(Texts("plain", 2));
        var withOptions = generator.GenerateAsync(Texts("small", 2), small);
        inner.ReleaseAll();

        await first;
        AssertRoutedTo("plain", 2, await plain);
        AssertRoutedTo("small", 2, await withOptions);
        Assert.Equal(3, inner.Calls.Count);
        Assert.Same(small, inner.OptionsOf(2));
    }

    [Fact]
    public async Task GenerateAsync_TwoCallSlotsAndAFullBatchWaiting_SecondCallStartsWhileTheFirstRuns()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 4, maxConcurrentCalls: 2);
        var first = generator.GenerateAsync(Texts("first", 4));
        await inner.WaitForCallAsync(0);

        var second = generator.GenerateAsync(Texts("second", 4));
        var secondCall = await inner.WaitForCallAsync(1);
        inner.ReleaseAll();

        Assert.Equal(Texts("second", 4), secondCall);
        AssertRoutedTo("first", 4, await first);
        AssertRoutedTo("second", 4, await second);
    }

    [Fact]
    public async Task GenerateAsync_NoTexts_ReturnsEmptyWithoutCallingTheEmbedder()
    {
        using var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator(inner, batchSize: 4, maxConcurrentCalls: 1);

        var result = await generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Empty(inner.Calls);
    }

    private static string[] Texts(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToArray();

    private static void AssertRoutedTo(string prefix, int count, GeneratedEmbeddings<Embedding<float>> result) =>
        Assert.Equal(Texts(prefix, count), result.Select(embedding => embedding.ModelId));
}
