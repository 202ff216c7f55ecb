using System.ComponentModel.DataAnnotations;
using DocPipeline.Registry;

namespace DocPipeline.Management;

/// <summary>Which documents to list, one page at a time.</summary>
public sealed class DocumentListOptions
{
    /// <summary>Gets or sets a glob (<c>*</c>, <c>?</c>) matched against the source or the document id, for example <c>*.pdf</c>.</summary>
    public string? Filter { get; set; }

    /// <summary>Gets or sets the status to match, or <see langword="null"/> for any.</summary>
    public DocumentStatus? Status { get; set; }

    /// <summary>Gets or sets where the page starts: the <see cref="DocumentPage.NextAfter"/> of the previous page.</summary>
    public string? After { get; set; }

    /// <summary>Gets or sets the page size.</summary>
    /// <value>The default value is 100. Allowed: 1 to 10000.</value>
    [Range(1, 10_000)]
    public int Limit { get; set; } = 100;
}
