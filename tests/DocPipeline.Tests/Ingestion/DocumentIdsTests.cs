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

    [Fact]
    public void TextHashAndChunkId_AreTheSha256OfTheirUtf8Text()
    {
        // Ids are stored in every index: the same input must give the same ids in every version (values from Python's hashlib).
        var hash = DocumentIds.TextHash("Grüße, world");

        Assert.Equal("d8540d2d6575f3e40ccfaedaa76d3bb41b3bdb822f393ddc2eea61fda3068937", hash);
        Assert.Equal("doc#9732da5a8014a4d4", DocumentIds.ChunkId("doc", hash, 12));
        Assert.Equal("216eba8d6734315331ec9676e5bb3dd05c9deb9e029ba6ca883431fb919ded50", DocumentIds.TextHash(new string('ä', 200_000)));
    }
}
