using DocPipeline.Jobs;
using DocPipeline.Specification.Tests.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Jobs;

public sealed class InMemoryJobStoreTests : JobStoreSpecification
{
    protected override IJobStore CreateStore(FakeTimeProvider time, JobStoreSpecificationSettings settings) =>
        new InMemoryJobStore(settings.ToStoreSettings(), time);
}
