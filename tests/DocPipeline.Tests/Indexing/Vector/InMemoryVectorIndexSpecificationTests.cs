using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests.Indexing;

namespace DocPipeline.Tests.Indexing.Vector;

public sealed class InMemoryVectorIndexSpecificationTests : VectorIndexSpecification
{
    protected override IVectorIndex CreateIndex(string directory) => new InMemoryVectorIndex();
}
