using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocPipeline.Specification.Tests;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.WebHost.Tests;

/// <summary><c>POST /ask</c> answers from the indexed documents with the configured chat model, and is absent without one.</summary>
public sealed class AskEndpointTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task PostAsk_ChatModelRegistered_AnswersWithThePassagesItWasGivenAsSources()
    {
        var model = new RecordingChatClient();
        using var factory = Factory(services => services.AddSingleton<IChatClient>(model));
        using var client = factory.CreateClient();
        var docs = _directory.File("docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "tides.txt"), "Tides rise and fall twice a day because the moon's gravity pulls the oceans.");
        (await client.PostAsJsonAsync("/ingest", new { sources = new[] { docs } })).EnsureSuccessStatusCode();

        using var response = await client.PostAsJsonAsync("/ask", new { question = "Why are there tides?" });

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
        using var factory = Factory(_ => { });
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/ask", new { question = "Why are there tides?" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public void Dispose() => _directory.Dispose();

    private WebApplicationFactory<Program> Factory(Action<IServiceCollection> services) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Embedder", "hash")
            .UseSetting("DocPipeline:DataDirectory", _directory.File("data"))
            .ConfigureServices(services));

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
