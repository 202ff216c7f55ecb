using DocPipeline.Consistency;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Management;
using DocPipeline.Monitoring;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.WebHost.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DocPipeline.WebHost.Api;

/// <summary>
/// The JSON API under <c>/api</c>: the operations of the <c>docpipe</c> tool under the same names and shapes. Reads
/// need <see cref="WebHostSecurity.ReadPolicy"/>, every change <see cref="WebHostSecurity.WritePolicy"/>.
/// </summary>
internal static class ApiEndpoints
{
    /// <summary>The longest id or filter accepted, in characters.</summary>
    public const int MaxTextLength = 1024;

    private const string Operator = "web dashboard";

    public static IEndpointRouteBuilder MapDocPipelineApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").RequireAuthorization(WebHostSecurity.ReadPolicy).WithTags("read");
        var write = app.MapGroup("/api").RequireAuthorization(WebHostSecurity.WritePolicy).WithTags("write");

        write.MapPost("/ingest", IngestAsync).WithName("ingest").WithSummary("Ingest files, folders or globs under WebHost:AllowedSourceRoots (docpipe batch).");
        read.MapGet("/search", SearchAsync).WithName("search").WithSummary("Search: hybrid, vector or keyword (docpipe search).");
        read.MapGet("/documents", ListDocumentsAsync).WithName("list_documents").WithSummary("List documents, one page at a time (docpipe manage --list).");
        read.MapGet("/documents/{id}", GetDocumentAsync).WithName("get_document").WithSummary("One document with its chunks.");
        write.MapDelete("/documents/{id}", RemoveDocumentAsync).WithName("remove_document").WithSummary("Remove a document from both indexes (docpipe manage --remove).");
        read.MapGet("/jobs", ListJobsAsync).WithName("list_jobs").WithSummary("List jobs, newest first (docpipe jobs list).");
        read.MapGet("/jobs/{id}", GetJobAsync).WithName("show_job").WithSummary("One job with its errors (docpipe jobs show).");
        write.MapPost("/jobs/{id}/cancel", CancelJobAsync).WithName("cancel_job").WithSummary("Cancel a job (docpipe jobs cancel).");
        write.MapPost("/jobs/{id}/retry", RetryJobAsync).WithName("retry_job").WithSummary("Queue a failed or cancelled job again (docpipe jobs retry).");
        read.MapGet("/queue", (IJobStore store, CancellationToken ct) => store.GetPauseStateAsync(ct)).WithName("queue").WithSummary("Whether the queue is paused.");
        write.MapPost("/queue/pause", (bool? now, IJobStore store, CancellationToken ct) =>
            store.SetPauseStateAsync(true, now ?? false, Operator, ct)).WithName("pause").WithSummary("Pause the queue for every process (docpipe jobs pause).");
        write.MapPost("/queue/resume", (IJobStore store, CancellationToken ct) =>
            store.SetPauseStateAsync(false, false, Operator, ct)).WithName("resume").WithSummary("Resume the queue (docpipe jobs resume).");
        read.MapGet("/stats", (ReadSide reads, CancellationToken ct) => reads.Get<IIndexManager>().GetStatisticsAsync(ct)).WithName("stats").WithSummary("Counts and sizes (docpipe manage --stats).");
        read.MapGet("/monitor", (ReadSide reads, CancellationToken ct) => reads.Get<IPipelineMonitor>().GetSnapshotAsync(ct)).WithName("monitor").WithSummary("Jobs, throughput, batches and workers (docpipe monitor).");
        read.MapGet("/consistency", (DashboardState state) => new { LastVerify = state.LastVerify }).WithName("last_verify").WithSummary("The last verify result of this server.");
        write.MapPost("/consistency/verify", VerifyAsync).WithName("verify").WithSummary("Compare each index with the registry (docpipe manage --verify-consistency).");
        write.MapPost("/consistency/repair", (bool? autoFix, WriterSide writer, CancellationToken ct) =>
            writer.RunAsync<IIndexMaintenance, RepairResult>((maintenance, token) => maintenance.RepairAsync(new RepairOptions { AutoFix = autoFix ?? false }, token), ct)).WithName("repair").WithSummary("Make the indexes match the registry; a dry run unless auto_fix (docpipe manage --repair-consistency).");
        write.MapPost("/consistency/backup", BackupAsync).WithName("backup").WithSummary("Back up the data folder into WebHost:BackupDirectory (docpipe manage --backup).");
        return app;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="name"/> when a text is too long or holds control characters.</summary>
    public static string? CheckText(string? value, string name)
    {
        if (value is not null && (value.Length > MaxTextLength || value.Any(char.IsControl)))
        {
            throw new ArgumentException($"{name} must be at most {MaxTextLength} characters without control characters.", name);
        }

        return value;
    }

    private static async Task<IngestResult> IngestAsync(IngestRequest request, SourceRoots roots, WriterSide writer, CancellationToken ct)
    {
        if (request.Sources is not { Length: > 0 } sources)
        {
            throw new ArgumentException("sources is required: the files, folders or globs to ingest, as absolute paths on the server.", "sources");
        }

        if (sources.Length > 1000)
        {
            throw new ArgumentException("sources may list at most 1000 paths; give a folder or a glob instead.", "sources");
        }

        roots.ThrowIfNotAllowed(sources);
        var options = new IngestOptions { UpdateMode = request.Mode ?? UpdateMode.Auto, Cleanup = request.Cleanup ?? CleanupMode.None, ForceReprocess = request.Force ?? false, LinkRoots = roots.Folders };
        return await writer.RunAsync<IDocPipeline, IngestResult>((docs, token) => docs.IngestAsync(sources, options, token), ct);
    }

    private static async Task<SearchView> SearchAsync(string? q, int? top, string? mode, ReadSide reads, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            throw new ArgumentException("q is required: the words to look for.", nameof(q));
        }

        var options = new SearchOptions { TopK = top ?? 10, Mode = WebWords.Parse<SearchMode>(mode, nameof(mode)) ?? SearchMode.Hybrid };
        var hits = await reads.Get<IDocPipeline>().SearchAsync(q, options, ct);
        return new SearchView([.. hits.Select(SearchHitView.From)]);
    }

    private static async Task<DocumentListView> ListDocumentsAsync(string? filter, string? status, string? after, int? limit, ReadSide reads, CancellationToken ct)
    {
        var options = new DocumentListOptions
        {
            Filter = CheckText(filter, nameof(filter)),
            Status = WebWords.Parse<DocumentStatus>(status, nameof(status)),
            After = CheckText(after, nameof(after)),
            Limit = limit ?? 100,
        };
        return DocumentListView.From(await reads.Get<IIndexManager>().ListAsync(options, ct));
    }

    private static async Task<Results<Ok<DocumentDetailView>, ProblemHttpResult>> GetDocumentAsync(string id, ReadSide reads, CancellationToken ct) =>
        await DocumentDetailView.LoadAsync(reads, id, ct) is { } detail ? TypedResults.Ok(detail) : NoDocument(id);

    private static async Task<Results<Ok<DocumentOperationView>, ProblemHttpResult>> RemoveDocumentAsync(string id, ReadSide reads, WriterSide writer, CancellationToken ct) =>
        await reads.Get<IIndexManager>().ExistsAsync(CheckText(id, nameof(id))!, ct)
            ? TypedResults.Ok(DocumentOperationView.From(await writer.RunAsync<IIndexManager, DocumentOperationResult>((manager, token) => manager.RemoveAsync(id, token), ct)))
            : NoDocument(id);

    private static async Task<JobListView> ListJobsAsync(string? status, string? document, int? limit, IJobStore store, CancellationToken ct)
    {
        var query = new JobQuery
        {
            Status = WebWords.Parse<JobStatus>(status, nameof(status)),
            DocumentId = CheckText(document, nameof(document)),
            Limit = limit ?? 50,
        };
        var jobs = await store.ListAsync(query, ct);
        return new JobListView(jobs, jobs.Count, await store.GetPauseStateAsync(ct));
    }

    private static async Task<Results<Ok<JobDetailView>, ProblemHttpResult>> GetJobAsync(string id, IJobStore store, CancellationToken ct) =>
        await store.GetAsync(CheckText(id, nameof(id))!, ct) is { } job
            ? TypedResults.Ok(new JobDetailView(job, await store.ListErrorsAsync(id, ct)))
            : NoJob(id);

    private static async Task<Results<Ok<CancelView>, ProblemHttpResult>> CancelJobAsync(string id, IJobStore store, CancellationToken ct)
    {
        var result = await store.CancelAsync(CheckText(id, nameof(id))!, ct);
        return result == JobCancelResult.NotFound ? NoJob(id) : TypedResults.Ok(CancelView.From(result));
    }

    private static async Task<Results<Ok<RetryView>, ProblemHttpResult>> RetryJobAsync(string id, IJobStore store, CancellationToken ct)
    {
        if (await store.GetAsync(CheckText(id, nameof(id))!, ct) is not { } job)
        {
            return NoJob(id);
        }

        return await store.RetryAsync(id, ct)
            ? TypedResults.Ok(new RetryView(1))
            : TypedResults.Problem($"Job {id} is {WebWords.Word(job.Status)}: only failed or cancelled jobs can be retried.", statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<ConsistencyReport> VerifyAsync(bool? deep, ReadSide reads, DashboardState state, CancellationToken ct)
    {
        var report = await reads.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = deep ?? false }, ct);
        state.Verified(report);
        return report;
    }

    private static Task<BackupResult> BackupAsync(string? format, WriterSide writer, BackupFolder folder, CancellationToken ct)
    {
        var options = new BackupOptions { Destination = folder.Path, Format = WebWords.Parse<BackupFormat>(format, nameof(format)) ?? BackupFormat.Archive };
        return writer.RunAsync<IIndexMaintenance, BackupResult>((maintenance, token) => maintenance.BackupAsync(options, token), ct);
    }

    private static ProblemHttpResult NoDocument(string id) =>
        TypedResults.Problem($"There is no document '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult NoJob(string id) =>
        TypedResults.Problem($"There is no job '{id}'.", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>The body of <c>POST /api/ingest</c>.</summary>
/// <param name="Sources">Files, folders or globs on the server, as absolute paths under <c>WebHost:AllowedSourceRoots</c>.</param>
/// <param name="Mode">The update mode: auto (the default), add_only, update_only or skip_existing.</param>
/// <param name="Cleanup">What to do with documents whose source is gone (default none).</param>
/// <param name="Force">Process every source again even when unchanged.</param>
internal sealed record IngestRequest(string[]? Sources, UpdateMode? Mode, CleanupMode? Cleanup, bool? Force);
