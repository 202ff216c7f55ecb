using DocPipeline.Jobs;
using DocPipeline.Management;
using DocPipeline.Registry;
using DocPipeline.Search;

namespace DocPipeline.WebHost.Api;

/// <summary>One search hit, as <c>docpipe search --json</c> writes it.</summary>
internal sealed record SearchHitView(string DocId, string Source, string Text, int? Page, double Score, double? VectorScore, double? KeywordScore, string ChunkId)
{
    public static SearchHitView From(SearchHit hit) =>
        new(hit.DocumentId, hit.Source, hit.Text, hit.Page, hit.Score, hit.VectorScore, hit.KeywordScore, hit.ChunkId);
}

/// <summary>The answer of a search: <c>{"hits": […]}</c>, as <c>docpipe search --json</c>.</summary>
internal sealed record SearchView(IReadOnlyList<SearchHitView> Hits);

/// <summary>One document in a list, as <c>docpipe manage --list --json</c> writes it.</summary>
internal sealed record DocumentView(string DocId, string Source, int Version, int Chunks, string Status, DateTimeOffset UpdatedAt)
{
    public static DocumentView From(DocumentRecord document) =>
        new(document.Id, document.Source, document.Version, document.ChunkCount, WebWords.Word(document.Status), document.UpdatedAt);
}

/// <summary>A page of documents and the cursor of the next one, as <c>docpipe manage --list --json</c>.</summary>
internal sealed record DocumentListView(IReadOnlyList<DocumentView> Documents, string? Next)
{
    public static DocumentListView From(DocumentPage page) => new([.. page.Documents.Select(DocumentView.From)], page.NextAfter);
}

/// <summary>One chunk of a document.</summary>
internal sealed record ChunkView(string ChunkId, int Ordinal, int? Page, string Text)
{
    public static ChunkView From(ChunkRecord chunk) => new(chunk.ChunkId, chunk.Ordinal, chunk.Page, chunk.Text);
}

/// <summary>One document with its chunks (at most <see cref="MaxChunks"/>).</summary>
internal sealed record DocumentDetailView(DocumentView Document, string? LastError, IReadOnlyList<ChunkView> Chunks)
{
    public const int MaxChunks = 500;

    /// <summary>Reads a document and its first <see cref="MaxChunks"/> chunks; <see langword="null"/> when there is no such document.</summary>
    public static async Task<DocumentDetailView?> LoadAsync(ReadSide reads, string id, CancellationToken cancellationToken)
    {
        if (await reads.Get<IIndexManager>().GetAsync(ApiEndpoints.CheckText(id, nameof(id))!, cancellationToken) is not { } document)
        {
            return null;
        }

        var chunks = await reads.Get<IDocumentRegistry>().GetChunksAsync(document.Id, document.Version, afterChunkId: null, MaxChunks, cancellationToken);
        return new DocumentDetailView(DocumentView.From(document), document.LastError, [.. chunks.Select(ChunkView.From)]);
    }
}

/// <summary>What removing a document did, as <c>docpipe manage --remove --json</c>.</summary>
internal sealed record DocumentOperationView(string DocId, string Outcome, int Chunks, int ChunksEmbedded, string? Error)
{
    public static DocumentOperationView From(DocumentOperationResult result) =>
        new(result.DocumentId, WebWords.Word(result.Outcome), result.Chunks, result.Embedded, result.Error);
}

/// <summary>A list of jobs and the queue's pause state, as <c>docpipe jobs list --json</c>.</summary>
internal sealed record JobListView(IReadOnlyList<JobRecord> Jobs, int Count, QueuePauseState Queue);

/// <summary>One job and its errors, as <c>docpipe jobs show --json</c>.</summary>
internal sealed record JobDetailView(JobRecord Job, IReadOnlyList<JobError> Errors);

/// <summary>What a cancel did, as <c>docpipe jobs cancel --json</c>.</summary>
internal sealed record CancelView(int Cancelled, int CancelRequested, int AlreadyFinished)
{
    public static CancelView From(JobCancelResult result) => new(
        result == JobCancelResult.Cancelled ? 1 : 0, result == JobCancelResult.CancelRequested ? 1 : 0, result == JobCancelResult.AlreadyFinished ? 1 : 0);
}

/// <summary>What a retry did, as <c>docpipe jobs retry --json</c>.</summary>
internal sealed record RetryView(int Retried);
