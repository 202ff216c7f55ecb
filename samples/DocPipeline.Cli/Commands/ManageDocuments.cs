using System.CommandLine;
using System.CommandLine.Parsing;
using DocPipeline.Management;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary>The document actions of <c>docpipe manage</c>: add, update, remove, list, stats.</summary>
internal sealed class ManageDocuments : IManageActions
{
    private readonly Option<string> _add = new("--add") { Description = "Index a file (writes nothing when it is indexed and unchanged)." };
    private readonly Option<bool> _withKeywords = new("--with-keywords") { Description = "Also write the keyword (BM25) index. Always on: DocPipeline keeps both indexes in step." };
    private readonly Option<string> _update = new("--update") { Description = "Re-index the document with this id from --src <file>." };
    private readonly Option<string> _source = new("--src") { Description = "The file for --update." };
    private readonly Option<string> _remove = new("--remove") { Description = "Remove the document with this id from both indexes." };
    private readonly Option<bool> _list = new("--list") { Description = "List documents (--filter, --limit, --after)." };
    private readonly Option<string> _filter = new("--filter") { Description = "With --list: a glob over source or id, such as \"*.pdf\"." };
    private readonly Option<int> _limit = new("--limit") { Description = "With --list: documents per page (1-10000).", DefaultValueFactory = _ => 100 };
    private readonly Option<string> _after = new("--after") { Description = "With --list: start after this document id (the 'next' of the previous page)." };
    private readonly Option<bool> _stats = new("--stats") { Description = "Show counts and sizes of documents, chunks, indexes and jobs." };

    public ManageDocuments(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { _add, _withKeywords, _update, _source, _remove, _list, _filter, _limit, _after, _stats })
        {
            command.Options.Add(option);
        }
    }

    public IEnumerable<string> GivenActions(CommandResult result)
    {
        if (result.GetResult(_add) is not null)
        {
            yield return "--add";
        }

        if (result.GetResult(_update) is not null)
        {
            yield return "--update";
        }

        if (result.GetResult(_remove) is not null)
        {
            yield return "--remove";
        }

        if (result.GetValue(_list))
        {
            yield return "--list";
        }

        if (result.GetValue(_stats))
        {
            yield return "--stats";
        }
    }

    public void Validate(CommandResult result)
    {
        var updating = result.GetResult(_update) is not null;
        if (updating && string.IsNullOrWhiteSpace(result.GetValue(_source)))
        {
            result.AddError("--update <doc-id> needs --src <file>.");
        }

        if (!updating && result.GetResult(_source) is not null)
        {
            result.AddError("--src goes with --update only (use 'docpipe batch --src' to ingest).");
        }

        var listing = result.GetValue(_list);
        if (!listing && (result.GetResult(_filter) is not null || result.GetResult(_after) is not null || result.GetResult(_limit) is { Implicit: false }))
        {
            result.AddError("--filter, --limit and --after go with --list.");
        }

        if (result.GetResult(_limit) is { Implicit: false } && result.GetValue(_limit) is < 1 or > 10_000)
        {
            result.AddError("--limit must be between 1 and 10000.");
        }

        if (result.GetValue(_withKeywords) && result.GetResult(_add) is null)
        {
            result.AddError("--with-keywords goes with --add.");
        }
    }

    public bool Handles(ParseResult parse) =>
        parse.GetResult(_add) is not null || parse.GetResult(_update) is not null || parse.GetResult(_remove) is not null ||
        parse.GetValue(_list) || parse.GetValue(_stats);

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken) =>
        CommandRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            var manager = services.GetRequiredService<IIndexManager>();
            try
            {
                if (parse.GetResult(_add) is not null)
                {
                    return Report(await manager.AddAsync(parse.GetValue(_add)!, ct), output);
                }

                if (parse.GetResult(_update) is not null)
                {
                    return Report(await manager.UpdateAsync(parse.GetValue(_update)!, parse.GetValue(_source)!, ct), output);
                }

                if (parse.GetResult(_remove) is not null)
                {
                    return Report(await manager.RemoveAsync(parse.GetValue(_remove)!, ct), output);
                }

                if (parse.GetValue(_list))
                {
                    return List(await manager.ListAsync(new DocumentListOptions { Filter = parse.GetValue(_filter), Limit = parse.GetValue(_limit), After = parse.GetValue(_after) }, ct), output);
                }

                return Stats(await manager.GetStatisticsAsync(ct), output);
            }
            catch (DocumentNotFoundException ex)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
            catch (FileNotFoundException ex)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
        }, cancellationToken, requireExistingData: parse.GetResult(_add) is null, readOnly: parse.GetValue(_list) || parse.GetValue(_stats));

    private static int Report(DocumentOperationResult result, CliOutput output)
    {
        var outcome = result.Outcome.ToString().ToLowerInvariant();
        if (output.IsJson)
        {
            output.WriteJson(new { DocId = result.DocumentId, Outcome = outcome, result.Chunks, ChunksEmbedded = result.Embedded, result.Error });
        }
        else if (result.Outcome == DocumentOperationOutcome.Failed)
        {
            Console.Error.WriteLine($"docpipe: {result.DocumentId}: {result.Error}");
        }
        else
        {
            output.Line($"{result.DocumentId}: {outcome} ({result.Chunks} chunks, {result.Embedded} embedded)");
        }

        return result.Outcome == DocumentOperationOutcome.Failed ? ExitCodes.PartialFailure : ExitCodes.Success;
    }

    private static int List(DocumentPage page, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                Documents = page.Documents.Select(d => new
                {
                    DocId = d.Id,
                    d.Source,
                    d.Version,
                    Chunks = d.ChunkCount,
                    Status = d.Status.ToString().ToLowerInvariant(),
                    UpdatedAt = d.UpdatedAt,
                }),
                Next = page.NextAfter,
            });
            return ExitCodes.Success;
        }

        foreach (var document in page.Documents)
        {
            output.Line($"{document.Id}  v{document.Version}  {document.ChunkCount} chunks  {document.Status.ToString().ToLowerInvariant()}  {document.UpdatedAt:yyyy-MM-dd HH:mm:ss}  {document.Source}");
        }

        output.Line(page.NextAfter is null ? $"{page.Documents.Count} documents" : $"{page.Documents.Count} documents; more with --after {page.NextAfter}");
        return ExitCodes.Success;
    }

    private static int Stats(PipelineStatistics stats, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                stats.Documents,
                stats.Chunks,
                stats.VectorChunks,
                stats.KeywordChunks,
                FailedJobs = stats.Jobs.Failed,
                PendingJobs = stats.Jobs.Pending,
                ProcessingJobs = stats.Jobs.Processing,
                stats.PendingDocuments,
                stats.FailedDocuments,
                stats.Embeddings,
                stats.VectorBytes,
                stats.KeywordBytes,
                stats.RegistryBytes,
                stats.LastRunAt,
                stats.Embedder,
                Embedding = EmbeddingView.Json(stats.Embedding),
                RecentFailures = stats.RecentFailures.Select(f => new { f.Source, f.Error }),
                stats.RestoreLeftovers,
            });
            return ExitCodes.Success;
        }

        output.Line($"documents  {stats.Documents} ({stats.PendingDocuments} mid-update, {stats.FailedDocuments} with a failed update)");
        output.Line($"chunks     {stats.Chunks} in the registry, {stats.VectorChunks} in the vector index, {stats.KeywordChunks} in the keyword index");
        output.Line($"sizes      vector {Bytes(stats.VectorBytes)}, keyword {Bytes(stats.KeywordBytes)}, registry {Bytes(stats.RegistryBytes)} ({stats.Embeddings} embeddings)");
        output.Line($"jobs       pending {stats.Jobs.Pending}, processing {stats.Jobs.Processing}, completed {stats.Jobs.Completed}, failed {stats.Jobs.Failed}, cancelled {stats.Jobs.Cancelled}");
        output.Line($"last run   {(stats.LastRunAt is { } last ? last.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never")}; embedder {stats.Embedder ?? "none yet"}");
        output.Line($"embedding  {EmbeddingView.Line(stats.Embedding)}");
        foreach (var failure in stats.RecentFailures)
        {
            output.Line($"  failed   {failure.Source}: {failure.Error}");
        }

        if (stats.RestoreLeftovers.Count > 0)
        {
            output.Line($"leftovers {stats.RestoreLeftovers.Count} of an interrupted restore (the next 'docpipe manage --restore' finishes or deletes them):");
            foreach (var leftover in stats.RestoreLeftovers)
            {
                output.Line($"  {leftover}");
            }
        }

        return ExitCodes.Success;
    }

    private static string Bytes(long bytes) => bytes < 0 ? "unknown" : bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
