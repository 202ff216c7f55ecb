using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Search;

/// <summary>Options of one search.</summary>
public sealed class SearchOptions
{
    /// <summary>Gets or sets the number of hits wanted.</summary>
    /// <value>The default value is 10. Allowed: 1 to 1000; a search asks for nothing more before it checks.</value>
    [Range(1, 1000)]
    public int TopK { get; set; } = 10;

    /// <summary>Gets or sets which index answers.</summary>
    /// <value>The default value is <see cref="SearchMode.Hybrid"/>.</value>
    public SearchMode Mode { get; set; }
}
