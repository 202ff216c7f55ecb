using DocPipeline.Management;
using DocPipeline.WebHost.Api;
using Microsoft.AspNetCore.Mvc;

namespace DocPipeline.WebHost.Pages;

/// <summary>The documents, filtered by source and paged.</summary>
public sealed class DocumentsModel(ReadSide reads) : DashboardPage
{
    /// <summary>How many documents a page shows.</summary>
    public const int PageSize = 50;

    /// <summary>Gets the source filter (a glob).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Filter { get; set; }

    /// <summary>Gets the cursor: the last document id of the previous page.</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>Gets the page.</summary>
    internal DocumentListView List { get; private set; } = new([], null);

    /// <summary>Lists one page.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        List = DocumentListView.From(await reads.Get<IIndexManager>().ListAsync(
            new DocumentListOptions
            {
                Filter = string.IsNullOrWhiteSpace(Filter) ? null : ApiEndpoints.CheckText(Filter, "filter"),
                After = ApiEndpoints.CheckText(After, "after"),
                Limit = PageSize,
            },
            cancellationToken));
}
