using DocPipeline.Registry;
using DocPipeline.Specification.Tests.Registry;

namespace DocPipeline.Tests.Registry;

public sealed class InMemoryDocumentRegistryTests : DocumentRegistrySpecification
{
    protected override IDocumentRegistry CreateRegistry(bool reopen = false) => new InMemoryDocumentRegistry(Time);
}

public sealed class InMemoryEmbeddingCacheTests : EmbeddingCacheSpecification
{
    protected override (IDocumentRegistry Documents, IEmbeddingCache Cache) CreateEmbeddingCache() => Parts(new InMemoryDocumentRegistry(Time));
}

public sealed class InMemoryRunGenerationStoreTests : RunGenerationStoreSpecification
{
    protected override (IDocumentRegistry Documents, IRunGenerationStore Runs) CreateRunGenerationStore() => Parts(new InMemoryDocumentRegistry(Time));
}

public sealed class InMemorySettingsStoreTests : SettingsStoreSpecification
{
    protected override ISettingsStore CreateSettingsStore() => new InMemoryDocumentRegistry(Time);
}
