using DocPipeline.Ingestion;

namespace DocPipeline.Tests.Ingestion;

public sealed class DocumentIdsTests
{
    [Fact]
    public void FromSource_SamePath_SameReadableId()
    {
        var first = DocumentIds.FromSource("/docs/User Guide (v2).md");
        var second = DocumentIds.FromSource("/docs/User Guide (v2).md");

        Assert.Equal(first, second);
        Assert.StartsWith("user-guide-v2-.md-", first, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9._-]+$", first);
    }

    [Fact]
    public void FromSource_SameNameInAnotherFolder_DifferentId()
    {
        Assert.NotEqual(DocumentIds.FromSource("/a/readme.md"), DocumentIds.FromSource("/b/readme.md"));
    }

    [Fact]
    public void FromSource_NameWithoutAsciiLetters_FallsBackToHashOnly()
    {
        var id = DocumentIds.FromSource("/docs/日本語");

        Assert.StartsWith("doc-", id, StringComparison.Ordinal);
    }

    [Fact]
    public void ChunkId_DependsOnTextAndOccurrenceNotPosition()
    {
        var hash = DocumentIds.TextHash("a paragraph");

        Assert.Equal(DocumentIds.ChunkId("doc", hash, 0), DocumentIds.ChunkId("doc", hash, 0));
        Assert.NotEqual(DocumentIds.ChunkId("doc", hash, 0), DocumentIds.ChunkId("doc", hash, 1));
        Assert.NotEqual(DocumentIds.ChunkId("doc", hash, 0), DocumentIds.ChunkId("other", hash, 0));
        Assert.StartsWith("doc#", DocumentIds.ChunkId("doc", hash, 0), StringComparison.Ordinal);
    }
}
