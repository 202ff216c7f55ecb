using DocPipeline.Indexing;
using DocPipeline.PostgreSql.Indexing;
using DocPipeline.Specification.Tests.Indexing;

namespace DocPipeline.PostgreSql.Tests.Indexing;

/// <summary>The keyword index contract against PostgreSQL full-text search, each test in a schema of its own.</summary>
public sealed class PostgreSqlKeywordIndexTests : KeywordIndexSpecification
{
    private readonly PostgreSqlTestSchema _schema = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _schema.DisposeAsync();
    }

    protected override IKeywordIndex CreateIndex() => new PostgreSqlKeywordIndex(_schema.Open());
}
