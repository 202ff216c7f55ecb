using DocPipeline.PostgreSql.Registry;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests.Registry;

namespace DocPipeline.PostgreSql.Tests.Registry;

/// <summary>The document registry contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlDocumentRegistryTests : DocumentRegistrySpecification, IAsyncLifetime
{
    private readonly PostgreSqlTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    // A reopened registry is a new pool on the same schema, as another process would open it.
    protected override IDocumentRegistry CreateRegistry(bool reopen = false) => new PostgreSqlDocumentRegistry(_schema.Open(), Time);
}
