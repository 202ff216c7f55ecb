using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.WebHost.Tests;

/// <summary><c>POST /ask</c> answers from the indexed documents with the configured chat model, and is absent without one.</summary>
public sealed class AskEndpointTests
{
    [Fact]
    public async Task PostAsk_ChatModelRegistered_AnswersWithThePassagesItWasGivenAsSources()
    {
        var model = new RecordingChatClient();
        using var host = new WebHostFactory();
        using var factory = host.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<IChatClient>(model)));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", WebHostFactory.Key);
        File.WriteAllText(Path.Combine(host.Root, "tides.txt"), "Tides rise and fall twice a day because the moon's gravity pulls the oceans.");
        (await client.PostAsJsonAsync("/api/ingest", new { sources = new[] { host.Root } })).EnsureSuccessStatusCode();

        using var response = await client.PostAsJsonAsync("/api/ask", new { question = "Why are there tides?" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal("The moon's gravity [1].", answer.GetProperty("answer").GetString());
        var source = answer.GetProperty("sources")[0];
        Assert.EndsWith("tides.txt", source.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Contains("moon's gravity", source.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(source.TryGetProperty("page", out _) && source.TryGetProperty("doc_id", out _));
        Assert.Contains("[1] ", model.Prompt, StringComparison.Ordinal);
        Assert.Contains("moon's gravity pulls the oceans", model.Prompt, StringComparison.Ordinal);
        Assert.Equal("Why are there tides?", model.Question);
    }

    [Fact]
    public async Task PostAsk_NoChatModel_Answers404()
    {
        using var host = new WebHostFactory();
        using var client = host.CreateKeyClient();

        using var response = await client.PostAsJsonAsync("/api/ask", new { question = "Why are there tides?" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PostAsk_WithoutKey_Answers401AndNeverCallsTheModel()
    {
        var model = new RecordingChatClient();
        using var host = new WebHostFactory();
        using var factory = host.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<IChatClient>(model)));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.PostAsJsonAsync("/api/ask", new { question = "Why are there tides?" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(model.Question);
    }

    /// <summary>A chat model that keeps what it was asked and answers with a fixed citation.</summary>
    private sealed class RecordingChatClient : IChatClient
    {
        public string Prompt { get; private set; } = string.Empty;

        public string Question { get; private set; } = string.Empty;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            Prompt = list.First(m => m.Role == ChatRole.System).Text;
            Question = list.Last(m => m.Role == ChatRole.User).Text;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "The moon's gravity [1].")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
