using System.CommandLine;
using DocPipeline.Search;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary><c>docpipe search "query"</c>: semantic, keyword or hybrid search over the data folder.</summary>
internal static class SearchCommand
{
    public static Command Create(CliOptions common)
    {
        var query = new Argument<string>("query") { Description = "What to look for." };
        query.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("The query is empty: give the words to look for, for example docpipe search \"reset the device\".");
            }
        });
        var top = new Option<int>("--top") { Description = "How many hits (1-1000).", DefaultValueFactory = _ => 10 }.Within(1, 1000);
        var mode = new Option<string>("--mode")
        {
            Description = "hybrid (both indexes, fused), vector (by meaning) or keyword (BM25).",
            DefaultValueFactory = _ => "hybrid",
        }.AcceptOnlyFromAmong("hybrid", "vector", "keyword");

        var command = new Command("search", "Search the indexed documents.") { query, top, mode };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            var hits = await services.GetRequiredService<IDocPipeline>().SearchAsync(
                parse.GetValue(query)!,
                new SearchOptions { TopK = parse.GetValue(top), Mode = Enum.Parse<SearchMode>(parse.GetValue(mode)!, ignoreCase: true) },
                ct);
            if (output.IsJson)
            {
                output.WriteJson(new
                {
                    Hits = hits.Select(h => new { DocId = h.DocumentId, h.Source, h.Text, h.Page, h.Score, h.VectorScore, h.KeywordScore, h.ChunkId }),
                });
                return ExitCodes.Success;
            }

            if (hits.Count == 0)
            {
                output.Line("No hits.");
            }

            for (var i = 0; i < hits.Count; i++)
            {
                var hit = hits[i];
                var page = hit.Page is { } p ? $", page {p}" : string.Empty;
                output.Line($"{i + 1}. {hit.Source}{page}  (score {hit.Score:0.####}, {hit.DocumentId})");
                output.Line($"   {Snippet(hit.Text)}");
            }

            return ExitCodes.Success;
        }, cancellationToken, requireExistingData: true, readOnly: true));
        return command;
    }

    private static string Snippet(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 240 ? flat : flat[..240] + "…";
    }
}
