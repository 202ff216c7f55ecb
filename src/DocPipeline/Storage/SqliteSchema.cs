namespace DocPipeline.Storage;

/// <summary>The schema of one component stored in a SQLite file, as an ordered list of migration scripts.</summary>
/// <param name="Component">The component name (for example <c>jobs</c>), the key in the <c>schema_versions</c> table.</param>
/// <param name="Steps">The scripts; step <c>i</c> moves the schema from version <c>i</c> to <c>i + 1</c>. Never edit a shipped step; append one.</param>
internal sealed record SqliteSchema(string Component, IReadOnlyList<string> Steps)
{
    /// <summary>
    /// Gets the page size, in bytes, of a file created for this component (SQLite's default, 4,096, when
    /// <see langword="null"/>). A file keeps the page size it was created with.
    /// </summary>
    public int? PageSize { get; init; }
}
