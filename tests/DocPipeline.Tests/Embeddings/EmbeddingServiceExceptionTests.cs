using DocPipeline.Embeddings;

namespace DocPipeline.Tests.Embeddings;

public sealed class EmbeddingServiceExceptionTests
{
    [Theory]
    [InlineData(429, null, EmbeddingFailureKind.RateLimited)]
    [InlineData(503, "2", EmbeddingFailureKind.RateLimited)]
    [InlineData(503, null, EmbeddingFailureKind.Transient)]
    [InlineData(500, null, EmbeddingFailureKind.Transient)]
    [InlineData(408, null, EmbeddingFailureKind.Transient)]
    [InlineData(413, null, EmbeddingFailureKind.TooLarge)]
    [InlineData(401, null, EmbeddingFailureKind.Permanent)]
    [InlineData(404, null, EmbeddingFailureKind.Permanent)]
    [InlineData(400, null, EmbeddingFailureKind.Permanent)]
    public void FromHttpResponse_Status_Classified(int status, string? retryAfter, EmbeddingFailureKind expected)
    {
        var failure = EmbeddingServiceException.FromHttpResponse(status, "message", name => name == "Retry-After" ? retryAfter : null, null);

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(status, failure.StatusCode);
    }

    [Fact]
    public void FromHttpResponse_400SayingTooManyTokens_IsTooLarge()
    {
        var failure = EmbeddingServiceException.FromHttpResponse(
            400, "This model's maximum context length is 8192 tokens, however you requested 9000 tokens.", _ => null, null);

        Assert.Equal(EmbeddingFailureKind.TooLarge, failure.Kind);
    }

    [Theory]
    [InlineData("Retry-After", "1.5", 1500)]
    [InlineData("retry-after-ms", "250", 250)]
    public void FromHttpResponse_RetryHeaders_GiveTheWait(string header, string value, int expectedMs)
    {
        var failure = EmbeddingServiceException.FromHttpResponse(429, "slow down", name => name == header ? value : null, null);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), failure.RetryAfter);
    }

    [Fact]
    public void FromHttpResponse_RateLimitHeadersExhausted_WaitIsTheLongestReset()
    {
        var headers = new Dictionary<string, string>
        {
            ["Retry-After"] = "1",
            ["x-ratelimit-remaining-requests"] = "0",
            ["x-ratelimit-reset-requests"] = "6m0s",
            ["x-ratelimit-remaining-tokens"] = "10",
            ["x-ratelimit-reset-tokens"] = "59m",
        };

        var failure = EmbeddingServiceException.FromHttpResponse(429, "slow down", name => headers.GetValueOrDefault(name), null);

        Assert.Equal(TimeSpan.FromMinutes(6), failure.RetryAfter);
    }

    [Theory]
    [InlineData("20ms", 20)]
    [InlineData("1s", 1000)]
    [InlineData("1m30.5s", 90500)]
    [InlineData("2", 2000)]
    public void ParseDuration_OpenAIResetSpellings_Read(string text, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), EmbeddingServiceException.ParseDuration(text));

    [Fact]
    public void Classify_HttpRequestExceptionWithoutStatus_IsTransient()
    {
        var failure = EmbeddingServiceException.Classify(new HttpRequestException("connection reset"));

        Assert.Equal(EmbeddingFailureKind.Transient, failure!.Kind);
    }

    [Fact]
    public void Classify_UnrelatedException_IsNotTheServices()
    {
        Assert.Null(EmbeddingServiceException.Classify(new InvalidOperationException("a bug")));
    }
}
