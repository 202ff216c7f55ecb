using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests.Indexing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DocPipeline.Tests.Indexing.Vector;

public sealed class EmbeddedVectorIndexSpecificationTests : VectorIndexSpecification
{
    // A tiny initial capacity, so the contract is also checked across file growth and slot reuse.
    protected override IVectorIndex CreateIndex(string directory) =>
        new EmbeddedVectorIndex(directory, new VectorIndexOptions { InitialCapacity = 4 }, TimeProvider.System, NullLogger.Instance);
}
