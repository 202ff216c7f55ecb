using DocPipeline.Fingerprints;
using DocPipeline.PostgreSql.Fingerprints;
using DocPipeline.Specification.Tests.Fingerprints;

namespace DocPipeline.PostgreSql.Tests.Fingerprints;

/// <summary>The fingerprint store contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlFingerprintStoreTests : FingerprintStoreSpecification, IAsyncLifetime
{
    private readonly PostgreSqlTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    protected override IFingerprintStore CreateStore(TimeProvider timeProvider) => new PostgreSqlFingerprintStore(_schema.Open(), timeProvider);
}
