using System.ClientModel;
using DocPipeline;
using DocPipeline.Search;
using Microsoft.Extensions.AI;
using DocPipeline.WebHost;
using DocPipeline.WebHost.Api;
using DocPipeline.WebHost.Security;
using OpenAI;

/// <summary>
/// <c>POST /api/ask</c>: answers a question from the indexed documents with a chat model, citing its sources. Mapped
/// only when a chat model is there: an <see cref="IChatClient"/> registered by the host, or the configuration keys
/// <c>Ask:Model</c> (and <c>Ask:Endpoint</c>, <c>Ask:ApiKey</c>) of any OpenAI-compatible service; otherwise
/// <c>/api/ask</c> answers 404. Each question spends calls to the model, so it needs the same key or session as a change.
/// </summary>
internal static class AskEndpoints
{
    private const int Passages = 5;

    private const string Instructions =
        "Answer the question from the numbered passages below only. Cite each passage you use as [n]. " +
        "If the passages do not hold the answer, say that the documents do not say.";

    /// <summary>Maps <c>POST /api/ask</c> when a chat model is registered or configured.</summary>
    /// <param name="app">The web application.</param>
    /// <returns>The <paramref name="app"/> so that additional calls can be chained.</returns>
    public static WebApplication MapAskEndpoint(this WebApplication app)
    {
        var chat = app.Services.GetService<IChatClient>() ?? CreateFromConfiguration(app.Configuration.GetSection("Ask"));
        if (chat is null)
        {
            return app;
        }

        app.MapPost("/api/ask", async (AskRequest request, ReadSide reads, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(ApiEndpoints.CheckText(request.Question, "question")))
            {
                throw new ArgumentException("question must not be empty.", "question");
            }

            var hits = await reads.Get<IDocPipeline>().SearchAsync(request.Question, new SearchOptions { TopK = Passages }, ct);
            var passages = string.Join("\n\n", hits.Select((hit, i) =>
                $"[{i + 1}] {hit.Source}{(hit.Page is { } page ? $", page {page}" : string.Empty)}:\n{hit.Text}"));
            var response = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, $"{Instructions}\n\n{passages}"), new ChatMessage(ChatRole.User, request.Question)],
                cancellationToken: ct);
            return new AskResponse(response.Text, [.. hits.Select(hit => new AskSource(hit.DocumentId, hit.Source, hit.Page, hit.Text, hit.Score))]);
        }).RequireAuthorization(WebHostSecurity.WritePolicy).WithName("ask").WithTags("write")
            .WithSummary("Answer a question from the documents with the configured chat model, citing the passages as [n].");
        return app;
    }

    private static IChatClient? CreateFromConfiguration(IConfigurationSection ask)
    {
        var model = ask["Model"];
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var options = new OpenAIClientOptions();
        if (ask["Endpoint"] is { Length: > 0 } endpoint)
        {
            options.Endpoint = new Uri(endpoint);
        }

        // A local server (Ollama, vLLM) takes any key; the OpenAI service needs a real one.
        var key = ask["ApiKey"] is { Length: > 0 } configured ? configured : Environment.GetEnvironmentVariable("OPENAI_API_KEY") ?? "unused";
        return new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient(model).AsIChatClient();
    }
}

/// <summary>The body of <c>POST /ask</c>.</summary>
/// <param name="Question">What to answer from the documents.</param>
internal sealed record AskRequest(string Question);

/// <summary>The answer of <c>POST /ask</c>: the model's text, citing the sources as [n] (1-based).</summary>
/// <param name="Answer">The model's answer.</param>
/// <param name="Sources">The passages the model was given, in the order of their numbers.</param>
internal sealed record AskResponse(string Answer, IReadOnlyList<AskSource> Sources);

/// <summary>A passage given to the model; the same fields as a search hit of the <c>docpipe</c> tool.</summary>
/// <param name="DocId">The document id.</param>
/// <param name="Source">The source file.</param>
/// <param name="Page">The page, when the format has pages.</param>
/// <param name="Text">The passage text.</param>
/// <param name="Score">The search score.</param>
internal sealed record AskSource(
    [property: System.Text.Json.Serialization.JsonPropertyName("doc_id")] string DocId, string Source, int? Page, string Text, double Score);
