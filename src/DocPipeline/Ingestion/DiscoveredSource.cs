namespace DocPipeline.Ingestion;

/// <summary>One item found while expanding the sources of a run: a file, a path skipped with its reason, or a source that could not be expanded.</summary>
/// <param name="Path">The full path of a file, or the source as given when <paramref name="Error"/> is set.</param>
/// <param name="Root">The folder the file was found under (for scoped cleanup), or <see langword="null"/> for a file given directly.</param>
/// <param name="Error">Why the source could not be expanded, or <see langword="null"/>.</param>
internal readonly record struct DiscoveredSource(string Path, string? Root, string? Error)
{
    /// <summary>Gets why the path is left alone (for example a symbolic link that leads nowhere), or <see langword="null"/>.</summary>
    public string? SkipReason { get; init; }
}
