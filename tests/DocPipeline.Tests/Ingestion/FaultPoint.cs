namespace DocPipeline.Tests.Ingestion;

/// <summary>A step of a document update where a fault can be injected.</summary>
public enum FaultPoint
{
    None,
    Embedder,
    BeforeVectorWrite,
    AfterVectorWrite,
    BeforeKeywordWrite,
    AfterKeywordWrite,
    BeforeRegistryCommit,
    BeforeChunksRead,
}
