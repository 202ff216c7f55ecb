using DocPipeline.Jobs;
using DocPipeline.PostgreSql.Jobs;
using DocPipeline.Specification.Tests.Jobs;
using DocPipeline.Tests.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.PostgreSql.Tests.Jobs;

/// <summary>The job store contract against PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlJobStoreTests : JobStoreSpecification, IAsyncLifetime
{
    private readonly PostgreSqlTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    protected override IJobStore CreateStore(FakeTimeProvider time, JobStoreSpecificationSettings settings) =>
        new PostgreSqlJobStore(_schema.Open(), settings.ToStoreSettings(), time);
}
