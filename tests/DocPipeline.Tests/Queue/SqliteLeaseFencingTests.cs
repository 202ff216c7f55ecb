using Microsoft.Extensions.DependencyInjection;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Queue;

/// <summary>Lease fencing on the embedded defaults: SQLite jobs.db and registry.db (separate files), Lucene, the on-disk vector index.</summary>
public sealed class SqliteLeaseFencingTests : LeaseFencingTests
{
    protected override void ConfigureStores(IDocPipelineBuilder builder, TestDirectory directory)
    {
    }
}
