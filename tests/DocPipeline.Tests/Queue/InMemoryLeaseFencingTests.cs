using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Queue;

/// <summary>Lease fencing on the in-memory stores.</summary>
public sealed class InMemoryLeaseFencingTests : LeaseFencingTests
{
    protected override void ConfigureStores(IDocPipelineBuilder builder, TestDirectory directory) =>
        builder.UseInMemoryJobStore().UseInMemoryDocumentRegistry().UseInMemoryFingerprintStore().UseInMemoryVectorIndex().UseInMemoryKeywordIndex();
}
