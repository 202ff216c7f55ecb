using DocPipeline.PostgreSql.Registry;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests.Registry;

namespace DocPipeline.PostgreSql.Tests.Registry;

/// <summary>The document registry contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlDocumentRegistryTests : DocumentRegistrySpecification
{
    private readonly PostgreSqlTestSchema _schema;

    public PostgreSqlDocumentRegistryTests()
    {
        _schema = Track(new PostgreSqlTestSchema());
    }

    // A reopened registry is a new pool on the same schema, as another process would open it.
    protected override IDocumentRegistry CreateRegistry(bool reopen = false) => new PostgreSqlDocumentRegistry(_schema.Open(), Time);
}

/// <summary>The embedding cache contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlEmbeddingCacheTests : EmbeddingCacheSpecification
{
    protected override (IDocumentRegistry Documents, IEmbeddingCache Cache) CreateEmbeddingCache() => Parts(Open());

    private PostgreSqlDocumentRegistry Open() => new(Track(new PostgreSqlTestSchema()).Open(), Time);
}

/// <summary>The run generation contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlRunGenerationStoreTests : RunGenerationStoreSpecification
{
    protected override (IDocumentRegistry Documents, IRunGenerationStore Runs) CreateRunGenerationStore() => Parts(Open());

    private PostgreSqlDocumentRegistry Open() => new(Track(new PostgreSqlTestSchema()).Open(), Time);
}

/// <summary>The settings contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlSettingsStoreTests : SettingsStoreSpecification
{
    protected override ISettingsStore CreateSettingsStore() => new PostgreSqlDocumentRegistry(Track(new PostgreSqlTestSchema()).Open(), Time);
}
