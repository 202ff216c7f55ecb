using DocPipeline;
using DocPipeline.Ingestion;
using DocPipeline.Management;
using DocPipeline.Search;

// A web host over DocPipeline: ingest and search over HTTP, jobs processed in the background by the hosted worker,
// health at /health. Options come from the "DocPipeline" section of appsettings.json or the environment
// (DocPipeline__DataDirectory=...).
var builder = WebApplication.CreateBuilder(args);
var pipeline = builder.Services.AddDocPipeline().AddWorker();
if (builder.Configuration["Embedder"] == "hash")
{
    pipeline.UseHashingEmbeddings();
}
else
{
    pipeline.UseMiniLmEmbeddings();
}

builder.Services.AddHealthChecks().AddDocPipeline();

// A malformed number or enum in a query or body throws (instead of an empty 400) so the handler below can say what was wrong.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
var app = builder.Build();

// Bad input answers 400 with a message: a value that cannot be read, or an option DocPipeline refuses (for example
// SearchOptions.TopK outside 1-1000), checked before any work or allocation.
app.Use(async (context, next) =>
{
    try
    {
        await next(context);
    }
    catch (Exception ex) when (ex is BadHttpRequestException or ArgumentException && !context.Response.HasStarted)
    {
        var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
        await Results.Problem(detail: ex.Message, statusCode: status).ExecuteAsync(context);
    }
});

app.MapPost("/ingest", (IngestRequest request, IDocPipeline docs, CancellationToken ct) =>
    docs.IngestAsync(request.Sources, new IngestOptions { UpdateMode = request.Mode ?? UpdateMode.Auto, Cleanup = request.Cleanup ?? CleanupMode.None }, ct));

app.MapGet("/search", (string q, int? top, SearchMode? mode, IDocPipeline docs, CancellationToken ct) =>
    docs.SearchAsync(q, new SearchOptions { TopK = top ?? 10, Mode = mode ?? SearchMode.Hybrid }, ct));

app.MapGet("/documents", (string? filter, string? after, int? limit, IIndexManager manager, CancellationToken ct) =>
    manager.ListAsync(new DocumentListOptions { Filter = filter, After = after, Limit = limit ?? 100 }, ct));

app.MapDelete("/documents/{id}", async (string id, IIndexManager manager, CancellationToken ct) =>
    await manager.ExistsAsync(id, ct) ? Results.Ok(await manager.RemoveAsync(id, ct)) : Results.NotFound());

app.MapGet("/stats", (IIndexManager manager, CancellationToken ct) => manager.GetStatisticsAsync(ct));

app.MapHealthChecks("/health");
app.MapAskEndpoint(); // POST /ask, only when a chat model is configured (AskEndpoints.cs)

app.Run();

/// <summary>The body of <c>POST /ingest</c>.</summary>
/// <param name="Sources">Files, folders or globs on the server's file system.</param>
/// <param name="Mode">The update mode (default auto).</param>
/// <param name="Cleanup">What to do with documents whose source is gone (default none).</param>
internal sealed record IngestRequest(string[] Sources, UpdateMode? Mode, CleanupMode? Cleanup);
