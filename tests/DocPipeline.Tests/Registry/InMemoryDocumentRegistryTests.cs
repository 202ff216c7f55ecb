using DocPipeline.Registry;
using DocPipeline.Specification.Tests.Registry;

namespace DocPipeline.Tests.Registry;

public sealed class InMemoryDocumentRegistryTests : DocumentRegistrySpecification
{
    protected override IDocumentRegistry CreateRegistry(bool reopen = false) => new InMemoryDocumentRegistry(Time);
}
