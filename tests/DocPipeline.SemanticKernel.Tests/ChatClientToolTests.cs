using System.Text.Json;
using DocPipeline.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.SemanticKernel.Tests;

public sealed class ChatClientToolTests : IClassFixture<PipelineFixture>
{
    private readonly PipelineFixture _fixture;

    public ChatClientToolTests(PipelineFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task SearchFunction_CalledByAChatModel_TheModelReceivesHitsWithSourcePageAndText()
    {
        var services = new ServiceCollection();
        _fixture.Configure(services);
        await using var provider = services.BuildServiceProvider();
        await PipelineFixture.IngestAsync(provider, _fixture.Documents);
        var model = new ToolCallingChatClient(DocPipelineAIFunctions.SearchFunctionName,
            new Dictionary<string, object?> { ["query"] = "honey bees nectar", ["top"] = 2 });
        using var client = new FunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(
            "How do bees make honey?",
            new ChatOptions { Tools = [DocPipelineAIFunctions.CreateSearchFunction(provider.GetRequiredService<IDocPipeline>())] });

        Assert.Equal("answered", response.Text);
        using var json = JsonDocument.Parse(model.ToolResult ?? throw new InvalidOperationException("the tool was not called"));
        var hits = json.RootElement.GetProperty("hits");
        Assert.InRange(hits.GetArrayLength(), 1, 2);
        var best = hits[0];
        Assert.EndsWith("bees.md", best.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Contains("nectar", best.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, best.GetProperty("page").ValueKind);
        Assert.False(string.IsNullOrEmpty(best.GetProperty("doc_id").GetString()));
    }

    [Fact]
    public async Task GetDocumentChunksFunction_UnknownDocument_AnswersWithAnErrorTheModelCanRead()
    {
        var services = new ServiceCollection();
        _fixture.Configure(services);
        await using var provider = services.BuildServiceProvider();
        var function = DocPipelineAIFunctions.CreateGetDocumentChunksFunction(provider.GetRequiredService<Registry.IDocumentRegistry>());

        var result = await function.InvokeAsync(new AIFunctionArguments { ["documentId"] = "no-such-document" });

        var json = Assert.IsType<JsonElement>(result);
        Assert.Contains("no-such-document", json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A chat model that asks for one tool call, then answers once it has seen the tool's result.</summary>
    private sealed class ToolCallingChatClient(string functionName, IDictionary<string, object?> arguments) : IChatClient
    {
        public string? ToolResult { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().FirstOrDefault();
            if (result is null)
            {
                Assert.Contains(options?.Tools ?? [], tool => tool.Name == functionName);
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", functionName, arguments)])));
            }

            ToolResult = result.Result is JsonElement element ? element.GetRawText() : result.Result?.ToString();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answered")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
