using DocPipeline.Embeddings;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.OpenAI.Tests;

/// <summary>The real OpenAI client (Microsoft.Extensions.AI.OpenAI) against a loopback server that follows the OpenAI embeddings API.</summary>
public sealed class RemoteEmbeddingTests
{
    private const string Key = "sk-test-0123456789abcdefSECRET";

    [Fact]
    public async Task IngestAsync_ServerRateLimitsThirtyPercentOfCalls_NoJobFailsOrBurnsAnAttempt()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync(seed: 7);
        server.RequiredKey = Key;
        server.RateLimitShare = 0.3;
        server.RetryAfterSeconds = 1;
        server.Latency = TimeSpan.FromMilliseconds(20);
        await using var remote = new RemotePipeline(server, Key, o =>
        {
            o.Embedding.BatchSize = 8;
            o.Embedding.MaxConcurrentCalls = 3;
        });
        var corpus = remote.WriteCorpus(300);

        var result = await remote.Pipeline.IngestAsync([corpus], new IngestOptions());

        Assert.Equal(0, result.Failed);
        Assert.Equal(300, result.Added);
        Assert.True(server.RateLimited > 0, "the server rate limited no call; the test proves nothing");
        Assert.InRange(server.MaxInFlight, 1, 3);
        Assert.Equal(server.RateLimited, result.Embedding.RateLimited);
        Assert.Equal(server.Served, result.Embedding.Calls);
        Assert.Equal(300, result.Embedding.Texts);
        Assert.True(result.Embedding.InputTokens > 0, "the usage field was not counted");
        Assert.True(result.Embedding.RateLimitWait > TimeSpan.Zero);
        var jobs = await remote.Provider.GetRequiredService<IJobStore>().ListAsync(new JobQuery { Limit = 1000 });
        Assert.Equal(300, jobs.Count);
        Assert.All(jobs, job => Assert.Equal((JobStatus.Completed, 1), (job.Status, job.Attempts)));
        Assert.DoesNotContain(remote.Logs.Lines, line => line.Contains(Key, StringComparison.Ordinal));
        Assert.False(await remote.DataFolderContainsAsync(Key));
        Assert.All(server.Authorizations, header => Assert.Equal($"Bearer {Key}", header));
    }

    [Fact]
    public async Task GenerateAsync_ServerRefusesBatchesAboveFiveTexts_SplitsAndKeepsOrder()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.MaxTextsPerCall = 5;
        await using var remote = new RemotePipeline(server, Key, o => o.Embedding.BatchSize = 23);
        var texts = Enumerable.Range(0, 23).Select(i => $"text number {i}").ToArray();
        var generator = remote.Provider.GetRequiredService<BatchingEmbeddingGenerator>();

        var embeddings = await generator.GenerateAsync(texts);

        Assert.True(server.TooLarge > 0);
        Assert.Equal(texts.Select(t => OpenAIEmbeddingServer.VectorOf(t, 16)), embeddings.Select(e => e.Vector.ToArray()));
        var usage = remote.Provider.GetRequiredService<EmbeddingUsage>().Read();
        Assert.Equal(server.TooLarge, usage.Splits);
        Assert.Equal(23, usage.Texts);
    }

    [Fact]
    public async Task GenerateAsync_ServerErrorsTwice_RetriedWithBackoffThenServed()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.ServerErrors = 2;
        await using var remote = new RemotePipeline(server, Key, o => o.Embedding.RetryBaseDelay = TimeSpan.FromMilliseconds(50));
        var generator = remote.Provider.GetRequiredService<BatchingEmbeddingGenerator>();

        var embeddings = await generator.GenerateAsync(["one", "two"]);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(3, server.Requests);
        Assert.Equal(2, remote.Provider.GetRequiredService<EmbeddingUsage>().Read().Retries);
    }

    [Fact]
    public async Task GenerateAsync_ServerKeepsFailingPastMaxRetries_ThrowsTheTransientFailure()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.ServerErrors = 100;
        await using var remote = new RemotePipeline(server, Key, o =>
        {
            o.Embedding.MaxRetries = 1;
            o.Embedding.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        });
        var generator = remote.Provider.GetRequiredService<BatchingEmbeddingGenerator>();

        var error = await Assert.ThrowsAsync<EmbeddingServiceException>(() => generator.GenerateAsync(["one"]));

        Assert.Equal((EmbeddingFailureKind.Transient, 500), (error.Kind, error.StatusCode));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task IngestAsync_ServerRefusesBatchesAboveFourTexts_NoJobFails()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.MaxTextsPerCall = 4;
        await using var remote = new RemotePipeline(server, Key, o => o.Embedding.BatchSize = 64);
        var corpus = remote.WriteCorpus(60);

        var result = await remote.Pipeline.IngestAsync([corpus], new IngestOptions());

        Assert.Equal((0L, 60L), (result.Failed, result.Added));
        Assert.True(result.Embedding.Splits > 0);
    }

    [Fact]
    public async Task IngestAsync_WrongApiKey_JobsFailAtOnceWithTheServiceMessage()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.RequiredKey = "sk-the-right-key";
        await using var remote = new RemotePipeline(server, Key);
        var corpus = remote.WriteCorpus(3);

        var result = await remote.Pipeline.IngestAsync([corpus], new IngestOptions());

        Assert.Equal(3, result.Failed);
        Assert.All(result.Failures, f => Assert.Contains("401", f.Error, StringComparison.Ordinal));
        Assert.All(result.Failures, f => Assert.Contains("Incorrect API key provided", f.Error, StringComparison.Ordinal));
        Assert.All(result.Failures, f => Assert.DoesNotContain(Key, f.Error, StringComparison.Ordinal));
        Assert.InRange(server.Requests, 1, 3);
        var jobs = await remote.Provider.GetRequiredService<IJobStore>().ListAsync(new JobQuery { Limit = 10 });
        Assert.All(jobs, job => Assert.Equal((JobStatus.Failed, 1), (job.Status, job.Attempts)));
        Assert.DoesNotContain(remote.Logs.Lines, line => line.Contains(Key, StringComparison.Ordinal));
        Assert.False(await remote.DataFolderContainsAsync(Key));
    }

    [Fact]
    public async Task IngestAsync_NoDimensionsConfigured_ProbesAndRecordsTheModel()
    {
        await using var server = await OpenAIEmbeddingServer.StartAsync();
        server.Dimensions = 24;
        await using var remote = new RemotePipeline(server, Key, dimensions: null);
        var corpus = remote.WriteCorpus(2);

        var result = await remote.Pipeline.IngestAsync([corpus], new IngestOptions());
        var statistics = await remote.Provider.GetRequiredService<Management.IIndexManager>().GetStatisticsAsync();

        Assert.Equal(2, result.Added);
        Assert.Equal("test-embedding-small:24", statistics.Embedder);
        Assert.Equal(result.Embedding.Calls, statistics.Embedding.Calls);
        Assert.Equal(result.Embedding.InputTokens, statistics.Embedding.InputTokens);
    }

    [Fact]
    public void UseOpenAIEmbeddings_KeyVariableEmpty_RefusedNamingTheVariableNotTheKey()
    {
        var services = new ServiceCollection();
        services.AddDocPipeline().UseOpenAIEmbeddings(o =>
        {
            o.Model = "m";
            o.ApiKeyVariable = "DOCPIPE_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>());

        Assert.Contains("DocPipeline:OpenAI:ApiKeyVariable", error.Message, StringComparison.Ordinal);
    }
}
