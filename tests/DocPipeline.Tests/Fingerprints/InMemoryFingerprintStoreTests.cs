using DocPipeline.Fingerprints;
using DocPipeline.Specification.Tests.Fingerprints;

namespace DocPipeline.Tests.Fingerprints;

public sealed class InMemoryFingerprintStoreTests : FingerprintStoreSpecification
{
    protected override IFingerprintStore CreateStore(TimeProvider timeProvider) => new InMemoryFingerprintStore(timeProvider);
}
