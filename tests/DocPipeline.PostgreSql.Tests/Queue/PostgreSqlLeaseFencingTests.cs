using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.PostgreSql.Tests.Queue;

/// <summary>
/// Lease fencing on PostgreSQL: the job store, registry, fingerprints and keyword index in one schema (as several worker
/// machines share them), the embedded vector index in the test's folder.
/// </summary>
public sealed class PostgreSqlLeaseFencingTests : LeaseFencingTests
{
    private readonly PostgreSqlTestSchema _schema = new();

    protected override void ConfigureStores(IDocPipelineBuilder builder, TestDirectory directory) =>
        builder.UsePostgreSql(o => (o.ConnectionString, o.Schema) = (_schema.Options().ConnectionString, _schema.Name)).UsePostgreSqlKeywordIndex();

    protected override Task DisposeStoresAsync() => _schema.DisposeAsync().AsTask();
}
