using DocPipeline.Management;
using DocPipeline.WebHost.Api;
using Microsoft.AspNetCore.Mvc;

namespace DocPipeline.WebHost.Pages;

/// <summary>One document with its chunks; remove it.</summary>
public sealed class DocumentModel(WriterSide writer, ReadSide reads) : DashboardPage
{
    internal DocumentDetailView? Detail { get; private set; }

    /// <summary>Reads the document, or answers 404.</summary>
    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken cancellationToken)
    {
        Detail = string.IsNullOrEmpty(id) ? null : await DocumentDetailView.LoadAsync(reads, id, cancellationToken);
        return Detail is null ? NotFound() : Page();
    }

    /// <summary>Removes the document from both indexes.</summary>
    public Task<IActionResult> OnPostRemoveAsync(string id) => WriteAsync(
        async () =>
        {
            var checkedId = ApiEndpoints.CheckText(id, nameof(id))!;
            var result = await writer.RunAsync<IIndexManager, DocumentOperationResult>((manager, token) => manager.RemoveAsync(checkedId, token), HttpContext.RequestAborted);
            return $"Document {id}: {WebWords.Word(result.Outcome)}.";
        },
        "/documents");
}
