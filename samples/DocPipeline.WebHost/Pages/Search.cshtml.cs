using DocPipeline.Search;
using DocPipeline.WebHost.Api;
using Microsoft.AspNetCore.Mvc;

namespace DocPipeline.WebHost.Pages;

/// <summary>Search, hybrid, vector or keyword; hits with source, page and the query's words marked.</summary>
public sealed class SearchModel(ReadSide reads) : DashboardPage
{
    /// <summary>Gets the query.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>Gets the mode word.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Mode { get; set; }

    /// <summary>Gets why the search was refused.</summary>
    public string? Error { get; private set; }

    internal IReadOnlyList<SearchHitView>? Hits { get; private set; }

    /// <summary>Searches when a query is given.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Q))
        {
            return;
        }

        try
        {
            var options = new SearchOptions { TopK = 10, Mode = WebWords.Parse<SearchMode>(Mode, "mode") ?? SearchMode.Hybrid };
            Hits = [.. (await reads.Get<IDocPipeline>().SearchAsync(ApiEndpoints.CheckText(Q, "q")!, options, cancellationToken)).Select(SearchHitView.From)];
        }
        catch (ArgumentException ex)
        {
            Error = ex.Message;
        }
    }
}
