using System.ComponentModel;
using System.Text.Json;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Search;
using Microsoft.Extensions.AI;

namespace DocPipeline.AI;

/// <summary>
/// The pipeline as Microsoft.Extensions.AI tools: pass them in <see cref="ChatOptions.Tools"/> of any
/// <see cref="IChatClient"/> that calls tools (with <see cref="FunctionInvokingChatClient"/>), and the model searches,
/// reads and (when given the ingest tool) indexes documents. Every result is JSON with the names the <c>docpipe</c>
/// tool prints (<c>doc_id</c>, <c>source</c>, <c>page</c>, <c>text</c>, <c>score</c>), so the model can cite its sources.
/// </summary>
public static class DocPipelineAIFunctions
{
    /// <summary>The name of the search tool: <c>search_documents</c>.</summary>
    public const string SearchFunctionName = "search_documents";

    /// <summary>The name of the tool that reads a document's chunks: <c>get_document_chunks</c>.</summary>
    public const string GetDocumentChunksFunctionName = "get_document_chunks";

    /// <summary>The name of the ingest tool: <c>ingest_documents</c>.</summary>
    public const string IngestFunctionName = "ingest_documents";

    private const int MaxTop = 50;
    private const int MaxChunks = 200;

    /// <summary>
    /// Creates the search tool: hybrid (semantic + keyword) search over the indexed documents, returning
    /// <c>{"hits":[{"doc_id","source","page","text","score"}]}</c>, best first.
    /// </summary>
    /// <param name="pipeline">The pipeline to search.</param>
    /// <returns>The tool, named <see cref="SearchFunctionName"/>.</returns>
    public static AIFunction CreateSearchFunction(IDocPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return AIFunctionFactory.Create(
            ([Description("What to look for, in the user's words or as keywords.")] string query,
             [Description("How many passages to return, 1 to 50.")] int top = 5,
             CancellationToken cancellationToken = default) => SearchAsync(pipeline, query, top, cancellationToken),
            new AIFunctionFactoryOptions
            {
                Name = SearchFunctionName,
                Description = "Searches the indexed documents and returns the passages that best match the query, best first. " +
                    "Each hit has the document id (doc_id), the source file (source), the page (page, null when the format has none), " +
                    "the passage text (text) and a relevance score. Cite the source and page of every passage you use.",
            });
    }

    /// <summary>
    /// Creates the tool that reads a document's current chunks a page at a time (each with its ordinal, its place in the document):
    /// <c>{"doc_id","source","version","chunks":[{"chunk_id","ordinal","page","text"}],"next"}</c>.
    /// </summary>
    /// <param name="registry">The document registry to read.</param>
    /// <returns>The tool, named <see cref="GetDocumentChunksFunctionName"/>.</returns>
    public static AIFunction CreateGetDocumentChunksFunction(IDocumentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return AIFunctionFactory.Create(
            ([Description("The document id (doc_id) of a search hit.")] string documentId,
             [Description("Continue after this chunk id (the previous answer's next); empty for the first chunks.")] string? after = null,
             [Description("How many chunks to return, 1 to 200.")] int limit = 50,
             CancellationToken cancellationToken = default) => GetChunksAsync(registry, documentId, after, limit, cancellationToken),
            new AIFunctionFactoryOptions
            {
                Name = GetDocumentChunksFunctionName,
                Description = "Reads a document's text chunk by chunk, to see the context around a search hit. " +
                    "Returns the document's source and a page of its chunks (chunk_id, ordinal = position in the document, page, text); when next is not null, " +
                    "call again with after = next for the following chunks.",
            });
    }

    /// <summary>
    /// Creates the ingest tool: brings the indexes in step with files, folders or globs and returns what happened
    /// (<c>{"total","added","updated","skipped","removed","failed","failures":[{"source","error"}]}</c>). Give it to a
    /// model only when it may change what is indexed.
    /// </summary>
    /// <param name="pipeline">The pipeline that ingests.</param>
    /// <returns>The tool, named <see cref="IngestFunctionName"/>.</returns>
    public static AIFunction CreateIngestFunction(IDocPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return AIFunctionFactory.Create(
            ([Description("Files, folders or globs (such as docs/**/*.pdf) to index.")] string[] sources,
             CancellationToken cancellationToken) => IngestAsync(pipeline, sources, cancellationToken),
            new AIFunctionFactoryOptions
            {
                Name = IngestFunctionName,
                Description = "Indexes files, folders or globs so that they can be searched: new files are added, changed ones " +
                    "updated, unchanged ones skipped. Returns how many were added, updated, skipped and failed, with the errors.",
            });
    }

    private static async Task<JsonElement> SearchAsync(IDocPipeline pipeline, string query, int top, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return Error("query must not be empty.");
        }

        var hits = await pipeline.SearchAsync(query, new SearchOptions { TopK = Math.Clamp(top, 1, MaxTop) }, cancellationToken)
            .ConfigureAwait(false);
        var result = new AIToolSearchResult(
            [.. hits.Select(static hit => new AIToolSearchHit(hit.DocumentId, hit.Source, hit.Page, hit.Text, hit.Score))]);
        return JsonSerializer.SerializeToElement(result, AIToolJsonContext.Default.AIToolSearchResult);
    }

    private static async Task<JsonElement> GetChunksAsync(
        IDocumentRegistry registry, string documentId, string? after, int limit, CancellationToken cancellationToken)
    {
        var document = string.IsNullOrWhiteSpace(documentId)
            ? null
            : await registry.GetAsync(documentId, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return Error($"No document with id '{documentId}'. Use a doc_id from a search hit.");
        }

        var take = Math.Clamp(limit, 1, MaxChunks);
        var chunks = await registry.GetChunksAsync(
            document.Id, document.Version, string.IsNullOrEmpty(after) ? null : after, take + 1, cancellationToken).ConfigureAwait(false);
        var page = chunks.Take(take).Select(static chunk => new AIToolChunk(chunk.ChunkId, chunk.Ordinal, chunk.Page, chunk.Text)).ToList();
        var next = chunks.Count > take ? page[^1].ChunkId : null;
        var result = new AIToolDocumentChunks(document.Id, document.Source, document.Version, page, next);
        return JsonSerializer.SerializeToElement(result, AIToolJsonContext.Default.AIToolDocumentChunks);
    }

    private static async Task<JsonElement> IngestAsync(IDocPipeline pipeline, string[] sources, CancellationToken cancellationToken)
    {
        if (sources is null || sources.Length == 0 || sources.Any(string.IsNullOrWhiteSpace))
        {
            return Error("sources must name at least one file, folder or glob, and none may be empty.");
        }

        var run = await pipeline.IngestAsync(sources, new IngestOptions(), cancellationToken).ConfigureAwait(false);
        var result = new AIToolIngestResult(
            run.Total, run.Added, run.Updated, run.Skipped, run.Removed, run.Failed,
            [.. run.Failures.Select(static failure => new AIToolIngestFailure(failure.Source, failure.Error))]);
        return JsonSerializer.SerializeToElement(result, AIToolJsonContext.Default.AIToolIngestResult);
    }

    private static JsonElement Error(string message) =>
        JsonSerializer.SerializeToElement(new AIToolError(message), AIToolJsonContext.Default.AIToolError);
}
