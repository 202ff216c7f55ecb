namespace DocPipeline.PostgreSql.Storage;

/// <summary>The tables of one component (for example <c>jobs</c>) as an ordered list of migration scripts.</summary>
/// <param name="Component">The component name: the key in the <c>schema_versions</c> table.</param>
/// <param name="Description">What the component is, for error messages (for example <c>job store</c>).</param>
/// <param name="Steps">
/// The scripts; step <c>i</c> moves the component from version <c>i</c> to <c>i + 1</c>. <c>{schema}</c> stands for the
/// configured schema. Never edit a shipped step; append one.
/// </param>
internal sealed record PostgreSqlSchema(string Component, string Description, IReadOnlyList<string> Steps)
{
    /// <summary>Gets the version a fully migrated component has.</summary>
    public int Version => Steps.Count;
}
